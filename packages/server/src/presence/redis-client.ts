// Opens ioredis clients for one Redis server or a Redis Cluster, with the same fail-fast behaviour.
import { Cluster, Redis } from "ioredis";
import type { RedisTarget } from "../config/config.js";

/** A connection to one server, or a cluster client that follows `MOVED`/`ASK` redirections. */
export type RedisClient = Redis | Cluster;

export interface RedisClientOptions {
  /** false: commands fail at once while disconnected (callers answer `unavailable`). */
  isQueuedOffline: boolean;
  /** Retries of a command whose connection dropped; unset: ioredis' default. */
  maxRetriesPerRequest?: number;
  /** ms; unset: ioredis' default. */
  connectTimeout?: number;
}

/** Reconnects without end, backing off to one try a second. */
const retry = (times: number) => Math.min(100 * times, 1_000);

/** Not connected yet (`lazyConnect`): `connect()` it, which for a cluster also loads its slots. */
export function createRedisClient(target: RedisTarget, options: RedisClientOptions): RedisClient {
  const common = {
    ...(options.maxRetriesPerRequest === undefined
      ? {}
      : { maxRetriesPerRequest: options.maxRetriesPerRequest }),
    ...(options.connectTimeout === undefined ? {} : { connectTimeout: options.connectTimeout }),
    // Commands issued in the same turn of the event loop go out in one write: at 50,000 tabs a
    // write per command was the largest share of a node's CPU profile.
    enableAutoPipelining: true,
  };
  if (target.kind === "server") {
    return new Redis(target.url, {
      ...common,
      lazyConnect: true,
      enableOfflineQueue: options.isQueuedOffline,
      retryStrategy: retry,
    });
  }
  // Nodes found through the seeds (CLUSTER SLOTS) are reached with `redisOptions`, so the
  // credentials and TLS of the first seed go there: every node of a cluster shares them.
  const first = new URL(target.seeds[0]!);
  return new Cluster(target.seeds, {
    lazyConnect: true,
    enableAutoPipelining: true,
    enableOfflineQueue: options.isQueuedOffline,
    clusterRetryStrategy: retry,
    redisOptions: {
      ...common,
      ...(first.username ? { username: decodeURIComponent(first.username) } : {}),
      ...(first.password ? { password: decodeURIComponent(first.password) } : {}),
      ...(first.protocol === "rediss:" ? { tls: {} } : {}),
    },
  });
}

/**
 * The connections that hold keys: the server itself, or every primary of the cluster (SCAN on a
 * cluster client would see one node's keys only).
 */
export function primariesOf(client: RedisClient): Redis[] {
  return client instanceof Cluster ? client.nodes("master") : [client];
}

/**
 * Resolves once every server holding keys answers PING within `timeoutMs`; rejects naming the
 * first that does not. On a cluster, that is the primary of every slot: ioredis drops a node
 * that failed from its pool, so a client whose status is "ready" may still have no way to reach
 * a third of the users.
 */
export async function probeRedis(client: RedisClient, timeoutMs: number): Promise<void> {
  const servers = new Map<string, Redis | undefined>();
  if (client instanceof Cluster) {
    for (const node of client.nodes("master")) servers.set(nodeKey(node), node);
    for (const owners of client.slots) {
      const primary = owners?.[0];
      if (primary !== undefined && !servers.has(primary)) servers.set(primary, undefined);
    }
  } else {
    servers.set("redis", client);
  }
  await Promise.all(
    [...servers].map(async ([key, server]) => {
      if (server === undefined)
        throw new Error(`no connection to ${key}, the primary of some slots`);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${key} did not answer PING`)), timeoutMs);
      });
      try {
        await Promise.race([server.ping(), late]);
      } catch (error) {
        throw new Error(`${key}: ${(error as Error).message}`);
      } finally {
        clearTimeout(timer);
      }
    }),
  );
}

function nodeKey(node: Redis): string {
  return `${node.options.host}:${node.options.port}`;
}
