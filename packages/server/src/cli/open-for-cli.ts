// Opens storage for a one-off CLI command, migrated, and closes it afterwards.
import { loadConfig } from "../config/config.js";
import { openStorage } from "../storage/open-storage.js";
import type { Storage } from "../storage/storage.js";

export async function withStorage<T>(
  env: NodeJS.ProcessEnv,
  work: (storage: Storage) => Promise<T>,
  { migrate = true }: { migrate?: boolean } = {},
): Promise<T> {
  const storage = await openStorage(loadConfig(env));
  try {
    if (migrate) await storage.migrate();
    return await work(storage);
  } finally {
    await storage.close();
  }
}
