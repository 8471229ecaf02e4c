// Opens storage for a one-off CLI command, migrated, and closes it afterwards: the server's own
// data, found from its settings or from the record of the server started last, never a new
// database made by mistake in the wrong directory.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { ConfigError, loadConfig } from "../config/config.js";
import { openStorage } from "../storage/open-storage.js";
import type { Storage } from "../storage/storage.js";
import { readServerRecord, serverRecordFile } from "./server-record.js";

export interface CliStorageOptions {
  /** Bring the schema up to date first (default true). */
  migrate?: boolean;
  /** The command makes things (a platform, an operator): it may create a new database. */
  creates?: boolean;
}

export async function withStorage<T>(
  env: NodeJS.ProcessEnv,
  work: (storage: Storage) => Promise<T>,
  { migrate = true, creates = false }: CliStorageOptions = {},
): Promise<T> {
  const storage = await openStorage(loadConfig(cliEnv(env, creates)));
  try {
    if (migrate) await storage.migrate();
    return await work(storage);
  } finally {
    await storage.close();
  }
}

/**
 * The settings a CLI command runs with. With SQLite and no database where they point: when
 * ROLLCALL_DATA_DIR was not given, the data directory of the server started last on this account
 * (stderr says so); else a command that makes things creates the database, and any other stops
 * with what to do.
 */
export function cliEnv(env: NodeJS.ProcessEnv, creates: boolean): NodeJS.ProcessEnv {
  if (env.ROLLCALL_DATABASE_URL) return env;
  const given = env.ROLLCALL_DATA_DIR;
  const dir = resolve(given ?? loadConfig(env).dataDir);
  if (existsSync(join(dir, "rollcall.sqlite"))) return env;
  if (given === undefined) {
    const record = readServerRecord(env);
    if (record?.database === "postgres") {
      throw new ConfigError(
        `no Rollcall database in ${dir}; the server started last (${record.url}) uses ` +
          "PostgreSQL: run this command with its ROLLCALL_DATABASE_URL",
      );
    }
    if (record && existsSync(join(record.dataDir, "rollcall.sqlite"))) {
      process.stderr.write(
        `rollcall: using ${record.dataDir}, the data of the server started last (${record.url}; ` +
          `recorded in ${serverRecordFile(env)}). Set ROLLCALL_DATA_DIR to choose another.\n`,
      );
      return { ...env, ROLLCALL_DATA_DIR: record.dataDir };
    }
  }
  if (creates) {
    process.stderr.write(`rollcall: creating a new database in ${dir}\n`);
    return env;
  }
  throw new ConfigError(
    `no Rollcall database in ${dir}${given === undefined ? " (the default ./data)" : ""}: run ` +
      "this command with the server's settings (ROLLCALL_DATA_DIR or --data-dir, or " +
      "ROLLCALL_DATABASE_URL), or start Rollcall once to create it",
  );
}
