// The local Redis for tests: reachability (for a stated skip), unique key prefixes, cleanup.
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import pino from "pino";
import type { PresenceRules } from "../presence/engine/types.js";
import { RedisPresenceStore } from "../presence/store/redis-presence-store.js";

/** Tests may read the environment; the server code never does. */
export const TEST_REDIS_URL = process.env.ROLLCALL_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/** Under CI the Redis suites must run; elsewhere they are skipped when no server answers. */
export const IS_REDIS_REQUIRED = process.env.CI === "true";

export async function isRedisReachable(url = TEST_REDIS_URL): Promise<boolean> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1_000,
    retryStrategy: () => null,
  });
  redis.on("error", () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

/** A key prefix no other test (or deployment) uses. */
export function uniqueRedisPrefix(label: string): string {
  return `rctest:${label}:${process.pid}:${randomBytes(4).toString("hex")}`;
}

/** Deletes every key under `prefix`. */
export async function deleteRedisKeys(prefix: string, url = TEST_REDIS_URL): Promise<void> {
  const redis = new Redis(url);
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}

/**
 * Whether the local Redis answers, and what a skipped suite says; under CI=true an unanswering
 * Redis fails the file instead.
 */
export async function redisForTests(): Promise<{ isReachable: boolean; skipReason: string }> {
  const isReachable = await isRedisReachable();
  if (!isReachable && IS_REDIS_REQUIRED) {
    throw new Error(`Redis at ${TEST_REDIS_URL} is required under CI=true but does not answer`);
  }
  const skipReason = `Redis at ${TEST_REDIS_URL} does not answer (start redis-server; required under CI=true)`;
  return { isReachable, skipReason };
}

/** A started node on the local Redis, logging nothing. */
export async function openTestRedisStore(options: {
  prefix: string;
  rules: PresenceRules;
  clock: () => number;
  nodeId?: string;
}): Promise<RedisPresenceStore> {
  const store = new RedisPresenceStore({
    redis: { kind: "server", url: TEST_REDIS_URL },
    logger: pino({ level: "silent" }),
    ...options,
  });
  await store.start();
  return store;
}
