// Chooses the storage adapter from config, once, at start.
import { join } from "node:path";
import type { Logger } from "pino";
import type { Config } from "../config/config.js";
import { openPostgresStorage } from "./postgres/postgres-storage.js";
import { openSqliteStorage } from "./sqlite/sqlite-storage.js";
import type { Storage } from "./storage.js";

/**
 * `writerThread`: the server's SQLite commits run off its event loop (see openSqliteStorage), and
 * its activity index is saved beside the file (`rollcall.index`) to start from next time; on
 * PostgreSQL the server's index is saved in the data directory (`rollcall-postgres.index`).
 * `onBackgroundError`: what fails in the analytics' background work (PostgreSQL following the
 * index log), which tries again by itself.
 */
export async function openStorage(
  config: Config,
  {
    writerThread = false,
    logger,
    onBackgroundError,
  }: {
    writerThread?: boolean;
    logger?: Logger;
    onBackgroundError?: (error: unknown) => void;
  } = {},
): Promise<Storage> {
  if (config.databaseUrl) {
    return openPostgresStorage(config.databaseUrl, {
      onBackgroundError,
      ...(writerThread ? { snapshot: join(config.dataDir, "rollcall-postgres.index") } : {}),
    });
  }
  return openSqliteStorage(join(config.dataDir, "rollcall.sqlite"), {
    writerThread,
    ...(writerThread ? { indexSnapshot: join(config.dataDir, "rollcall.index") } : {}),
    ...(logger ? { log: logger } : {}),
  });
}
