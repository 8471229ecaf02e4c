// Starts the systems under test as their own processes: the built Rollcall, the Socket.IO baseline
// and, for one-event ingest, Node's bare HTTP server.
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { forkChild, nextMessage, spawnChild, stopChild } from "./children.mjs";
import { log } from "./log.mjs";

const STOP_GRACE_MS = 30_000;

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const BENCH_SECRET = "bench-platform-secret-0123456789abcdef";

/** A free TCP port on loopback. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = /** @type {import("node:net").AddressInfo} */ (server.address());
      server.close(() => resolve(address.port));
    });
  });
}

/**
 * The Node flags `npm start` runs the server with (read from its script, so the bench runs what
 * users run), then extra ones for profiling: BENCH_SERVER_NODE_ARGS="--cpu-prof".
 * @returns {string[]}
 */
function serverNodeArgs() {
  const start = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts.start;
  const flags = /node ((?:--\S+ )*)packages\/server\/bin\/rollcall\.js start/.exec(start);
  if (!flags) throw new Error(`cannot read the server's Node flags from "npm start": ${start}`);
  const extra = process.env.BENCH_SERVER_NODE_ARGS ?? "";
  return `${flags[1]} ${extra}`.split(" ").filter(Boolean);
}

/**
 * @typedef {{ url: string, pid: number, dataDir: string, stop: () => Promise<void>,
 *   output: () => string, startMs: number }} ServerHandle
 */

/**
 * Runs `rollcall start` from the build, on loopback, with its own data directory.
 * @param {{ env?: Record<string, string>, nodeArgs?: string[], dataDir?: string, keepData?: boolean,
 *   startTimeoutMs?: number }} [options]
 * @returns {Promise<ServerHandle>}
 */
export async function startRollcall(options = {}) {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "rollcall-bench-"));
  const port = await freePort();
  const child = spawnChild(
    process.execPath,
    [
      ...(options.nodeArgs ?? serverNodeArgs()),
      join(ROOT, "packages/server/bin/rollcall.js"),
      "start",
    ],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        PORT: String(port),
        ROLLCALL_HOST: "127.0.0.1",
        ROLLCALL_DATA_DIR: dataDir,
        ROLLCALL_PLATFORM_SECRET: BENCH_SECRET,
        ROLLCALL_LOG_LEVEL: "warn",
        ...options.env,
      },
    },
  );
  let output = "";
  // BENCH_SERVER_LOG_DIR keeps each server's whole output (say, with --trace-gc) as <pid>.log.
  const logDir = process.env.BENCH_SERVER_LOG_DIR;
  const keep = (/** @type {Buffer} */ chunk) => {
    output = (output + chunk.toString()).slice(-8_000);
    if (logDir) appendFileSync(join(logDir, `${child.pid}.log`), chunk);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const url = `http://127.0.0.1:${port}`;
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  const startedAt = Date.now();
  const deadline = startedAt + startTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`rollcall exited at start:\n${output}`);
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new Error(
        `rollcall did not answer /healthz within ${startTimeoutMs / 1_000} s:\n${output}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    startMs: Date.now() - startedAt,
    pid: /** @type {number} */ (child.pid),
    dataDir,
    output: () => output,
    async stop() {
      // Rollcall drains on SIGTERM; with thousands of tabs it can spin instead of exiting
      // (reported: FactWriter retries into a closed database), so the wait is bounded.
      // Long enough to drain thousands of sockets' ends into Redis (and write a CPU profile).
      if (await stopChild(child, STOP_GRACE_MS)) {
        const lastLine = output.trim().split("\n").at(-1)?.slice(0, 300) ?? "";
        log(
          `rollcall did not exit within ${STOP_GRACE_MS / 1_000} s of SIGTERM; killed. Last output: ${lastLine}`,
        );
      }
      if (!options.keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Runs the Socket.IO who's-online baseline in its own process.
 * @param {{ nodeArgs?: string[] }} [options]
 * @returns {Promise<ServerHandle>}
 */
export function startBaseline(options = {}) {
  return startBaselineScript("bench/baseline/socketio-server.mjs", options.nodeArgs ?? []);
}

/**
 * Node's bare HTTP server answering POST /api/v1/events without storing (bare-http-server.mjs).
 * @returns {Promise<ServerHandle>}
 */
export function startBareHttp() {
  return startBaselineScript("bench/baseline/bare-http-server.mjs", []);
}

/**
 * The `ws` library alone, welcoming tabs and parsing their messages (bare-ws-server.mjs).
 * @returns {Promise<ServerHandle>}
 */
export function startBareWs() {
  return startBaselineScript("bench/baseline/bare-ws-server.mjs", []);
}

/**
 * Node's sockets alone, reading frames and parsing them (bare-socket-server.mjs).
 * @returns {Promise<ServerHandle>}
 */
export function startBareSocket() {
  return startBaselineScript("bench/baseline/bare-socket-server.mjs", []);
}

/**
 * A baseline server of bench/baseline/ in its own process, on a free loopback port.
 * @param {string} script
 * @param {string[]} nodeArgs
 * @returns {Promise<ServerHandle>}
 */
async function startBaselineScript(script, nodeArgs) {
  const port = await freePort();
  const child = forkChild(
    join(ROOT, script),
    { port, secret: BENCH_SECRET },
    { execArgv: nodeArgs },
  );
  const ready = await nextMessage(child, "ready", 15_000);
  return {
    url: `http://127.0.0.1:${ready.port}`,
    pid: /** @type {number} */ (child.pid),
    dataDir: "",
    startMs: 0,
    output: () => "",
    stop: () => stopChild(child),
  };
}
