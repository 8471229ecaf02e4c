// Chooses the storage adapter from config, once, at start.
import { join } from "node:path";
import type { Config } from "../config/config.js";
import { openSqliteStorage } from "./sqlite/sqlite-storage.js";
import type { Storage } from "./storage.js";

export async function openStorage(config: Config): Promise<Storage> {
  if (config.databaseUrl) {
    throw new Error(
      "ROLLCALL_DATABASE_URL is set, but the PostgreSQL adapter is not part of this build yet; unset it to use SQLite",
    );
  }
  return openSqliteStorage(join(config.dataDir, "rollcall.sqlite"));
}
