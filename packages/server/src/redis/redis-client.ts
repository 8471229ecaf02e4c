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
