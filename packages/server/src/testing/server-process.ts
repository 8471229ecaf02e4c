// The built server as a child process, for tests that kill it: start, signal, restart on the same data.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const BIN = fileURLToPath(new URL("../../bin/rollcall.js", import.meta.url));
const DIST = fileURLToPath(new URL("../../dist/cli.js", import.meta.url));

export interface ServerProcessOptions {
  port: number;
  dataDir: string;
  secret: string;
  /** More settings, over the defaults below (e.g. ROLLCALL_DATABASE_URL, ROLLCALL_REDIS_URL). */
  env?: Record<string, string>;
  /** The server's open-files limit (soft and hard), set by the shell's `ulimit -n` before it starts. */
  openFiles?: number;
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code, or the signal's name when killed by one. */
  exited: Promise<number | string>;
}

/** Fails with the fix when the server has not been built. */
export function requireBuiltServer(): void {
  if (!existsSync(DIST)) {
    throw new Error(
      "packages/server/dist/cli.js is missing: run `npm run build` first (npm test builds for you)",
    );
  }
}

/** A port nobody listens on right now; the test keeps it across restarts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => (port ? resolve(port) : reject(new Error("no free port"))));
    });
  });
}

/** Runs `rollcall start` and waits until /healthz answers. */
export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  requireBuiltServer();
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key !== "PORT" && !key.startsWith("ROLLCALL_")) env[key] = value;
  }
  // `exec` keeps the pid: the child is the server itself, whatever starts it.
  const [command, args] =
    options.openFiles === undefined
      ? [process.execPath, [BIN, "start"]]
      : [
          "/bin/sh",
          [
            "-c",
            `ulimit -n ${options.openFiles} && exec "$0" "$@"`,
            process.execPath,
            BIN,
            "start",
          ],
        ];
  const child = spawn(command, args, {
    env: {
      ...env,
      PORT: String(options.port),
      ROLLCALL_HOST: "127.0.0.1",
      ROLLCALL_DATA_DIR: options.dataDir,
      ROLLCALL_PLATFORM_SECRET: options.secret,
      ROLLCALL_HEARTBEAT_SECONDS: "2",
      ROLLCALL_SESSION_GRACE_SECONDS: "10",
      ROLLCALL_LOG_LEVEL: "warn",
      // Where `start` records itself for the CLI: the test's own, never the account's.
      XDG_STATE_HOME: join(options.dataDir, ".state"),
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | string>((resolve) =>
    child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown")),
  );
  const url = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + 60_000; // generous: a busy machine starts slowly
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`server exited with ${child.exitCode}:\n${output}`);
    }
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`server did not answer /healthz within 60 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { url, child, output: () => output, exited };
}
