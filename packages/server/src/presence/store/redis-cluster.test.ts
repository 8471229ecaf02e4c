// The Redis store and directory sync on a Redis Cluster of the test's own: contract, and two nodes.
import { Redis } from "ioredis";
import pino from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { RedisTarget } from "../../config/config.js";
import {
  type PrivateRedisCluster,
  redisClusterTools,
  startPrivateRedisCluster,
} from "../../testing/private-redis-cluster.js";
import { IS_REDIS_REQUIRED, uniqueRedisPrefix } from "../../testing/test-redis.js";
import { eventually } from "../../testing/test-rollcall.js";
import { RedisDirectorySync } from "../../users/redis-directory-sync.js";
import { UserDirectory } from "../../users/user-directory.js";
import type { ConnectionKey, PresenceEvent, PresenceRules } from "../engine/types.js";
import { CONTRACT_RULES, runPresenceStoreContract } from "./presence-store-contract.js";
import { RedisPresenceKeys } from "./redis-presence-keys.js";
import { RedisPresenceStore } from "./redis-presence-store.js";

const hasTools = redisClusterTools() !== null;
if (!hasTools && IS_REDIS_REQUIRED) {
  throw new Error("redis-server and redis-cli are required under CI=true but are not on the PATH");
}
const SKIP_REASON = "redis-server or redis-cli is not on the PATH (required under CI=true)";

let cluster: PrivateRedisCluster | null = null;
const target = (): RedisTarget => ({ kind: "cluster", seeds: cluster!.seeds });

beforeAll(async () => {
  if (hasTools) cluster = await startPrivateRedisCluster(3);
});
afterAll(async () => {
  await cluster?.remove();
});

const NODE_RULES: PresenceRules = { ...CONTRACT_RULES, heartbeatMs: 1_000 };

async function openStore(
  prefix: string,
  clock: () => number,
  nodeId: string,
  rules = NODE_RULES,
  redis = target(),
) {
  const store = new RedisPresenceStore({
    redis,
    prefix,
    rules,
    clock,
    logger: pino({ level: "silent" }),
    nodeId,
    probeEveryMs: 200,
  });
  await store.start();
  return store;
}

if (hasTools) {
  runPresenceStoreContract("redis cluster", async () => {
    // The cluster is thrown away with its keys; a unique prefix keeps each test's own.
    const store = await openStore(uniqueRedisPrefix("cluster"), Date.now, "n", CONTRACT_RULES);
    return { store, cleanup: () => store.close() };
  });
}

const T0 = 1_700_000_000_000;
const page = { path: "/", title: "Home", app: null };
const tab = (id: string, user: string): ConnectionKey => ({ platform: "default", user, tab: id });
const connect = (key: ConnectionKey): PresenceEvent => ({
  type: "connect",
  key,
  transport: "ws",
  page,
  isVisible: true,
  inputAgoMs: 0,
});
/** Enough users that their keys land on every primary (slots by hash of the user's tag). */
const USERS = Array.from({ length: 24 }, (_, i) => `user-${i}`);

describe.skipIf(!hasTools)(
  `Redis Cluster across nodes${hasTools ? "" : ` (skipped: ${SKIP_REASON})`}`,
  () => {
    let stores: RedisPresenceStore[] = [];
    let syncs: RedisDirectorySync[] = [];
    const now = T0;
    const clock = () => now;

    afterEach(async () => {
      for (const store of stores) await store.close();
      for (const sync of syncs) sync.close();
      stores = [];
      syncs = [];
    });

    it("the users' keys lie on every primary of the cluster", async () => {
      const prefix = uniqueRedisPrefix("spread");
      const a = await openStore(prefix, clock, "a");
      stores.push(a);
      for (const user of USERS) await a.apply(connect(tab("t", user)), now);
      const keys = new RedisPresenceKeys(prefix);
      const counts = await Promise.all(
        cluster!.seeds.map(async (seed) => {
          const node = new Redis(seed);
          try {
            const [, found] = await node.scan("0", "MATCH", keys.userPattern, "COUNT", 1000);
            return found.length;
          } finally {
            node.disconnect();
          }
        }),
      );
      expect(counts.every((count) => count > 0)).toBe(true);
      expect(counts.reduce((sum, count) => sum + count, 0)).toBe(USERS.length);
    });

    it("two nodes see each other's users and hear each other's changes", async () => {
      const prefix = uniqueRedisPrefix("two");
      const a = await openStore(prefix, clock, "a");
      const b = await openStore(prefix, clock, "b");
      stores.push(a, b);
      const heardByB = new Set<string>();
      const heardByA = new Set<string>();
      b.onRemoteChange((change) => heardByB.add(change.user));
      a.onRemoteChange((change) => heardByA.add(change.user));
      const [onA, onB] = [USERS.slice(0, 12), USERS.slice(12)];
      for (const user of onA) await a.apply(connect(tab("ta", user)), now);
      for (const user of onB) await b.apply(connect(tab("tb", user)), now);
      await eventually(() => (onA.every((u) => heardByB.has(u)) ? true : undefined));
      await eventually(() => (onB.every((u) => heardByA.has(u)) ? true : undefined));
      for (const store of [a, b]) {
        expect([...store.views("default", now)].map((v) => v.user).sort()).toEqual(
          [...USERS].sort(),
        );
      }
      expect(a.hasConnection(tab("ta", "user-0"))).toBe(true);
      expect(b.hasConnection(tab("ta", "user-0"))).toBe(false);
    });

    it("a node started later loads every user from every primary", async () => {
      const prefix = uniqueRedisPrefix("reload");
      const a = await openStore(prefix, clock, "a");
      stores.push(a);
      for (const user of USERS) await a.apply(connect(tab("t", user)), now);
      const late = await openStore(prefix, clock, "late");
      stores.push(late);
      expect([...late.views("default", now)].map((v) => v.user).sort()).toEqual([...USERS].sort());
      expect(late.view("default", "user-7", now)?.status).toBe("online");
    });

    it("a user's deadline is applied once by whichever node ticks first", async () => {
      const prefix = uniqueRedisPrefix("due");
      const a = await openStore(prefix, clock, "a");
      const b = await openStore(prefix, clock, "b");
      stores.push(a, b);
      await a.apply(connect(tab("t", "di")), now);
      await a.apply({ type: "disconnect", key: tab("t", "di") }, now + 100);
      const later = now + 100 + NODE_RULES.graceMs;
      const [fromA, fromB] = await Promise.all([
        a.apply({ type: "tick" }, later),
        b.apply({ type: "tick" }, later),
      ]);
      expect([...fromA, ...fromB].filter((c) => c.type === "sessionEnded")).toHaveLength(1);
    });

    it("a user registered on one node reaches the other's directory", async () => {
      const channel = new RedisPresenceKeys(uniqueRedisPrefix("directory")).directory;
      const directories = [new UserDirectory(), new UserDirectory()];
      const heard: string[] = [];
      syncs = directories.map(
        (directory, i) =>
          new RedisDirectorySync({
            redis: target(),
            channel,
            nodeId: `node-${i}`,
            directory,
            logger: pino({ level: "silent" }),
            reload: async () => undefined,
            onRemoteChange: (_platform, id) => heard.push(id),
          }),
      );
      for (const sync of syncs) await sync.start();
      const profile = { id: "ana", name: "Ana", email: "ana@school.org", role: "student" };
      directories[0]!.upsert("default", profile, now);
      await eventually(() => (heard.includes("ana") ? true : undefined));
      expect(directories[1]!.get("default", "ana")?.name).toBe("Ana");
    });

    it("a primary gone makes presence down in the health report, though the client stays ready", async () => {
      // A cluster of its own: this one loses a primary for good.
      const doomed = await startPrivateRedisCluster(3);
      try {
        const store = await openStore(uniqueRedisPrefix("health"), clock, "h", NODE_RULES, {
          kind: "cluster",
          seeds: doomed.seeds,
        });
        stores.push(store);
        for (const user of USERS) await store.apply(connect(tab("t", user)), now);
        await eventually(() => (store.health().presence === "ok" ? true : undefined));
        await doomed.kill(1);
        await eventually(() => (store.health().presence === "down" ? true : undefined));
      } finally {
        for (const store of stores) await store.close();
        stores = [];
        await doomed.remove();
      }
    });
  },
);
