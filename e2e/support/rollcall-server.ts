// The real, built Rollcall server as a child process on a free port with a fresh data dir.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { eventually } from "./eventually.js";

export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CLI = join(REPO_ROOT, "packages/server/bin/rollcall.js");

/** Short time rules so the suite sees idle and offline within seconds. */
export const TEST_RULES = { heartbeatSeconds: 1, idleSeconds: 3, graceSeconds: 10 } as const;

export interface RollcallServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  port: number;
  /** The platform secret of platform `default`. */
  secret: string;
  /** What the server printed so far (stdout and stderr interleaved). */
  output(): string;
  stop(): Promise<void>;
  /** Ends the server process and keeps its data, as an outage or a deploy would. */
  halt(): Promise<void>;
  /** Starts the server again on the same port and data, after `halt`. */
  resume(): Promise<void>;
}

/** A port nobody listens on right now (the OS picks it). */
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

/** Settings the parent shell may have set: dropped, so every run uses exactly the test's. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key === "PORT" || key.startsWith("ROLLCALL_")) continue;
    env[key] = value;
  }
  return env;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
}

/** Starts `node packages/server/bin/rollcall.js start` and waits until /healthz answers. */
export async function startRollcall(
  settings: Record<string, string> = {},
  knownPort?: number,
): Promise<RollcallServer> {
  if (!existsSync(join(REPO_ROOT, "packages/server/dist/cli.js"))) {
    throw new Error("the server is not built: run `npm run build` first");
  }
  const port = knownPort ?? (await freePort());
  const origin = `http://127.0.0.1:${port}`;
  const secret = `e2e-platform-secret-${Math.random().toString(36).slice(2)}`;
  const dataDir = mkdtempSync(join(tmpdir(), "rollcall-e2e-"));
  let output = "";
  let child: ChildProcess | null = null;

  const spawnServer = () => {
    const next = spawn(process.execPath, [CLI, "start"], {
      cwd: REPO_ROOT,
      env: {
        ...cleanEnv(),
        PORT: String(port),
        ROLLCALL_HOST: "127.0.0.1",
        ROLLCALL_DATA_DIR: dataDir,
        ROLLCALL_PLATFORM_SECRET: secret,
        ROLLCALL_HEARTBEAT_SECONDS: String(TEST_RULES.heartbeatSeconds),
        ROLLCALL_IDLE_SECONDS: String(TEST_RULES.idleSeconds),
        ROLLCALL_SESSION_GRACE_SECONDS: String(TEST_RULES.graceSeconds),
        ROLLCALL_LOG_LEVEL: "warn",
        // Where `start` records itself for the CLI: the test's own, never the account's.
        XDG_STATE_HOME: join(dataDir, ".state"),
        ...settings,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    next.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    next.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child = next;
    return next;
  };

  const waitHealthy = (server: ChildProcess) =>
    eventually(
      async () => {
        if (server.exitCode !== null) throw new Error(`server exited with code ${server.exitCode}`);
        const res = await fetch(`${origin}/healthz`);
        if (!res.ok) throw new Error(`/healthz answered ${res.status}`);
      },
      // Generous: ~1 s on a quiet machine, but a fresh data dir's first commits wait on the disk,
      // and beside a PostgreSQL bulk load on the same disk a start once took over 60 s.
      180_000,
      { what: "GET /healthz", intervalMs: 100 },
    );

  const kill = async () => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const gone = exited(running);
    running.kill("SIGTERM");
    const timer = setTimeout(() => running.kill("SIGKILL"), 5_000);
    await gone;
    clearTimeout(timer);
  };

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await kill();
    rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    await waitHealthy(spawnServer());
  } catch (error) {
    await stop();
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Rollcall did not start: ${reason}\n--- server output ---\n${output}`);
  }
  return {
    origin,
    port,
    secret,
    output: () => output,
    stop,
    halt: kill,
    resume: async () => {
      if (child) return;
      await waitHealthy(spawnServer());
    },
  };
}
