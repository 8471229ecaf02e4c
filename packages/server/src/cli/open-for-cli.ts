// Opens storage for a one-off CLI command, migrated, and closes it afterwards: the server's own
// data, found from its settings or from the record of the server started last, never a new
// database made by mistake in the wrong directory.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { type Config, ConfigError, loadConfig } from "../config/config.js";
import { openStorage } from "../storage/open-storage.js";
import type { Storage } from "../storage/storage.js";
import { readServerRecord, serverRecordFile } from "./server-record.js";

export interface CliStorageOptions {
  /** Bring the schema up to date first (default true). */
  migrate?: boolean;
  /**
   * The command makes things (a platform, an operator, the schema): it may create a new database
   * where the operator named a data directory. Elsewhere only `--create` does.
   */
  creates?: boolean;
}

export async function withStorage<T>(
  env: NodeJS.ProcessEnv,
  work: (storage: Storage) => Promise<T>,
  { migrate = true, creates = false }: CliStorageOptions = {},
): Promise<T> {
  const config = loadConfig(cliEnv(env, creates));
  const storage = await openStorage(config);
  process.stderr.write(`rollcall: ${describeDatabase(config)}\n`);
  try {
    if (migrate) await storage.migrate();
    return await work(storage);
  } finally {
    await storage.close();
  }
}

/** Which database a command opened, without its password. */
export function describeDatabase(config: Config): string {
  if (!config.databaseUrl) return `SQLite database ${resolve(config.dataDir, "rollcall.sqlite")}`;
  const url = new URL(config.databaseUrl);
  return `PostgreSQL database ${url.pathname.slice(1) || "(default)"} on ${url.host}`;
}

/**
 * The settings a CLI command runs with. With SQLite and no database where they point: when
 * ROLLCALL_DATA_DIR was not given, the data directory of the server started last on this account
 * (stderr says so); else a new database only when asked (ROLLCALL_CLI_CREATE, the `--create`
 * flag) or when a command that makes things was given the directory; otherwise it stops and says
 * what to do.
 */
export function cliEnv(env: NodeJS.ProcessEnv, creates: boolean): NodeJS.ProcessEnv {
  if (env.ROLLCALL_DATABASE_URL) return env;
  const given = env.ROLLCALL_DATA_DIR;
  const dir = resolve(given ?? loadConfig(env).dataDir);
  if (existsSync(join(dir, "rollcall.sqlite"))) return env;
  const isAsked = env.ROLLCALL_CLI_CREATE === "true";
  if (given === undefined && !isAsked) {
    const record = readServerRecord(env);
    if (record?.database === "postgres") {
      throw new ConfigError(
        `no Rollcall database in ${dir}; the server started last (${record.url}) uses ` +
          "PostgreSQL: run this command with its ROLLCALL_DATABASE_URL or --database-url",
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
  if (isAsked || (creates && given !== undefined)) {
    process.stderr.write(`rollcall: creating a new database in ${dir}\n`);
    return env;
  }
  throw new ConfigError(
    `no Rollcall database in ${dir}${given === undefined ? " (the default ./data)" : ""}: run ` +
      "this command with the server's settings (ROLLCALL_DATA_DIR or --data-dir, " +
      "ROLLCALL_DATABASE_URL or --database-url), or pass --create to start a new one there",
  );
}
