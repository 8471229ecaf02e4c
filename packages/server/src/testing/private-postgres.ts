// A throwaway PostgreSQL server of a test's own (initdb in a temp dir, loopback port), never the shared one.
import { execFile } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "./server-process.js";

const run = promisify(execFile);
const POSTGRES_ROOT = "/usr/lib/postgresql";

/** The newest installed server's bin folder (Debian layout), or null. */
export function postgresBinDir(): string | null {
  if (!existsSync(POSTGRES_ROOT)) return null;
  const versions = readdirSync(POSTGRES_ROOT)
    .filter((name) => existsSync(join(POSTGRES_ROOT, name, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(POSTGRES_ROOT, versions[0], "bin") : null;
}

export interface PrivatePostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres (trust auth). */
  url: string;
  port: number;
  /** `pg_ctl stop -m immediate`: every connection drops at once, as in a crash. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it if running and deletes its files. */
  remove(): Promise<void>;
}

/**
 * initdb refuses to run as root: then the server runs as the `postgres` user (runuser) in a
 * temp dir given to it.
 */
export async function startPrivatePostgres(binDir: string): Promise<PrivatePostgres> {
  const dir = mkdtempSync(join(tmpdir(), "rollcall-pg-"));
  const isRoot = process.getuid?.() === 0;
  let asUser = (command: string, args: string[]) => run(command, args);
  if (isRoot) {
    const ids = (await run("id", ["-u", "postgres"])).stdout.trim();
    const gid = (await run("id", ["-g", "postgres"])).stdout.trim();
    chownSync(dir, Number(ids), Number(gid));
    asUser = (command, args) => run("runuser", ["-u", "postgres", "--", command, ...args]);
  }
  const data = join(dir, "data");
  const port = await freePort();
  await asUser(join(binDir, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-N"]);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`;
  const pgCtl = join(binDir, "pg_ctl");
  let isRunning = false;
  const server: PrivatePostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async start() {
      await asUser(pgCtl, ["-D", data, "-o", options, "-l", join(dir, "log"), "-w", "start"]);
      isRunning = true;
    },
    async stop() {
      await asUser(pgCtl, ["-D", data, "-m", "immediate", "-w", "stop"]);
      isRunning = false;
    },
    async remove() {
      if (isRunning) await server.stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await server.start();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return server;
}
