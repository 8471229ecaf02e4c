// A throwaway Redis Cluster of a test's own (primaries on loopback ports, files in a temp dir).
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { accessSync, constants, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import { freePort } from "./server-process.js";

const run = promisify(execFile);

/** Where `name` is on the PATH, or null. */
function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not in this folder
    }
  }
  return null;
}

/** redis-server and redis-cli (7 or newer: `--cluster-port`), or null when either is missing. */
export function redisClusterTools(): { server: string; cli: string } | null {
  const server = onPath("redis-server");
  const cli = onPath("redis-cli");
  return server && cli ? { server, cli } : null;
}

export interface PrivateRedisCluster {
  /** redis://127.0.0.1:<port> of every primary. */
  seeds: string[];
  /** Kills the server at `seeds[index]` (SIGKILL), as a crashed primary; resolves once it exited. */
  kill(index: number): Promise<void>;
  /** Kills every server and deletes their files; safe to call twice. */
  remove(): Promise<void>;
}

/**
 * Starts `size` primaries without replicas or persistence, joins them with `redis-cli --cluster
 * create` and waits until every node says `cluster_state:ok`. On failure, removes what it started.
 */
export async function startPrivateRedisCluster(size = 3): Promise<PrivateRedisCluster> {
  const tools = redisClusterTools();
  if (tools === null) throw new Error("redis-server and redis-cli must be on the PATH");
  const dir = mkdtempSync(join(tmpdir(), "rollcall-redis-cluster-"));
  const children: ChildProcess[] = [];
  const logs: string[] = [];
  // A worker that dies without afterAll must not leave servers behind.
  const killAll = () => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  };
  process.once("exit", killAll);
  let isRemoved = false;
  const cluster: PrivateRedisCluster = {
    seeds: [],
    kill: (index) => killed(children[index]),
    async remove() {
      if (isRemoved) return;
      isRemoved = true;
      process.off("exit", killAll);
      await Promise.all(children.map(killed));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    const ports: number[] = [];
    for (let i = 0; i < size; i++) {
      // The bus port is named too: the default (port + 10000) may be taken or past 65535.
      const port = await freePort();
      const busPort = await freePort();
      ports.push(port);
      const child = spawn(
        tools.server,
        [
          "--port",
          String(port),
          "--cluster-port",
          String(busPort),
          "--bind",
          "127.0.0.1",
          "--cluster-enabled",
          "yes",
          "--cluster-config-file",
          join(dir, `nodes-${port}.conf`),
          "--cluster-node-timeout",
          "2000",
          "--save",
          "",
          "--appendonly",
          "no",
          "--dir",
          dir,
        ],
        { stdio: ["ignore", "pipe", "pipe"] },
      );
      children.push(child);
      let log = "";
      logs.push("");
      const index = logs.length - 1;
      const keep = (chunk: Buffer) => {
        log = (log + chunk.toString()).slice(-4_000);
        logs[index] = log;
      };
      child.stdout?.on("data", keep);
      child.stderr?.on("data", keep);
    }
    cluster.seeds = ports.map((port) => `redis://127.0.0.1:${port}`);
    for (const port of ports) await waitFor(port, async (redis) => (await redis.ping()) === "PONG");
    await run(tools.cli, [
      "--cluster",
      "create",
      ...ports.map((port) => `127.0.0.1:${port}`),
      "--cluster-replicas",
      "0",
      "--cluster-yes",
    ]);
    for (const port of ports) {
      await waitFor(port, async (redis) =>
        (await redis.call("CLUSTER", "INFO"))?.toString().includes("cluster_state:ok"),
      );
    }
    return cluster;
  } catch (error) {
    await cluster.remove();
    const detail = logs.filter(Boolean).join("\n---\n");
    throw new Error(`the Redis Cluster did not start: ${(error as Error).message}\n${detail}`);
  }
}

function killed(child: ChildProcess | undefined): Promise<void> {
  return new Promise<void>((resolve) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

/** Polls one node until `isDone` says so, for at most 10 s. */
async function waitFor(port: number, isDone: (redis: Redis) => Promise<boolean | undefined>) {
  const redis = new Redis({
    port,
    host: "127.0.0.1",
    lazyConnect: true,
    connectTimeout: 500,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on("error", () => undefined);
  const deadline = Date.now() + 10_000;
  try {
    for (;;) {
      try {
        if (redis.status !== "ready") await redis.connect();
        if (await isDone(redis)) return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        redis.disconnect();
      }
      if (Date.now() > deadline) throw new Error(`127.0.0.1:${port} not ready within 10 s`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    redis.disconnect();
  }
}
