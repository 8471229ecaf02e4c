// The Redis store through the shared contract, and what only several nodes sharing it can show.
import { afterEach, describe, expect, it } from "vitest";
import {
  deleteRedisKeys,
  openTestRedisStore,
  redisForTests,
  TEST_REDIS_URL,
  uniqueRedisPrefix,
} from "../../testing/test-redis.js";
import { eventually } from "../../testing/test-rollcall.js";
import type { ConnectionKey, PresenceChange, PresenceEvent } from "../engine/types.js";
import { CONTRACT_RULES, runPresenceStoreContract } from "./presence-store-contract.js";
import type { RedisPresenceStore } from "./redis-presence-store.js";
import { parseChange } from "./redis-replica-sync.js";

const { isReachable, skipReason: SKIP_REASON } = await redisForTests();

const NODE_RULES = { ...CONTRACT_RULES, heartbeatMs: 1_000 };

function openStore(prefix: string, clock: () => number, nodeId?: string, rules = NODE_RULES) {
  return openTestRedisStore({ prefix, rules, clock, ...(nodeId ? { nodeId } : {}) });
}

if (isReachable) {
  runPresenceStoreContract("redis", async () => {
    const prefix = uniqueRedisPrefix("contract");
    const store = await openStore(prefix, Date.now, undefined, CONTRACT_RULES);
    return {
      store,
      async cleanup() {
        await store.close();
        await deleteRedisKeys(prefix);
      },
    };
  });
}

const T0 = 1_700_000_000_000;
const page = { path: "/", title: "Home", app: null };
const tab = (id: string, user = "ada"): ConnectionKey => ({ platform: "default", user, tab: id });
const connect = (key: ConnectionKey): PresenceEvent => ({
  type: "connect",
  key,
  transport: "ws",
  page,
  isVisible: true,
  inputAgoMs: 0,
});

describe.skipIf(!isReachable)(
  `RedisPresenceStore across nodes${isReachable ? "" : ` (skipped: ${SKIP_REASON})`}`,
  () => {
    let prefix = "";
    let stores: RedisPresenceStore[] = [];
    let now = T0;
    const clock = () => now;

    afterEach(async () => {
      for (const store of stores) await store.close();
      stores = [];
      await deleteRedisKeys(prefix);
    });

    async function nodes(count: number): Promise<RedisPresenceStore[]> {
      prefix = uniqueRedisPrefix("nodes");
      now = T0;
      for (let i = 0; i < count; i++) stores.push(await openStore(prefix, clock, `node-${i}`));
      return stores;
    }

    it("tabs of one user on two nodes are one user with two connections, seen by both", async () => {
      const [a, b] = await nodes(2);
      await a!.apply(connect(tab("t1")), now);
      await b!.apply(connect(tab("t2")), now + 10);
      for (const store of [a!, b!]) {
        await eventually(() =>
          store.view("default", "ada", now + 20)?.connections.length === 2 ? true : undefined,
        );
      }
      expect(a!.hasConnection(tab("t1"))).toBe(true);
      expect(a!.hasConnection(tab("t2"))).toBe(false);
      expect(b!.hasConnection(tab("t2"))).toBe(true);
    });

    it("changes decided on a replica another node has just moved past still land, each once", async () => {
      const [a, b] = await nodes(2);
      await a!.apply(connect(tab("t1")), now);
      await b!.apply(connect(tab("t2")), now);
      // Both nodes change the same user at once, so each often decides on a replica one write
      // behind Redis: the compare-and-set refuses those, and they are decided again.
      const writes: Array<PresenceChange[] | Promise<PresenceChange[]>> = [];
      for (let i = 1; i <= 20; i++) {
        const at = now + i;
        writes.push(
          a!.apply({ type: "page", key: tab("t1"), page: { ...page, path: `/a/${i}` } }, at),
        );
        writes.push(
          b!.apply({ type: "page", key: tab("t2"), page: { ...page, path: `/b/${i}` } }, at),
        );
      }
      const changes = (await Promise.all(writes)).flat();
      expect(changes.filter((c) => c.type === "visitStarted")).toHaveLength(40);
      for (const store of [a!, b!]) {
        await eventually(() => {
          const paths = store
            .view("default", "ada", now + 30)
            ?.connections.map((c) => c.page.path)
            .sort();
          return paths?.join() === "/a/20,/b/20" ? true : undefined;
        });
      }
    });

    it("a change still lands after Redis forgot the compare-and-set script (a restart)", async () => {
      const [a, b] = await nodes(2);
      await a!.apply(connect(tab("t1")), now);
      const { Redis } = await import("ioredis");
      const admin = new Redis(TEST_REDIS_URL);
      try {
        await admin.script("FLUSH");
      } finally {
        admin.disconnect();
      }
      const changes = await a!.apply(
        { type: "page", key: tab("t1"), page: { ...page, path: "/after-flush" } },
        now + 1,
      );
      expect(changes.some((c) => c.type === "visitStarted")).toBe(true);
      await eventually(() =>
        b!.view("default", "ada", now + 2)?.connections[0]?.page.path === "/after-flush"
          ? true
          : undefined,
      );
    });

    it("a change is published as its header line and the stored value; stray messages are ignored", async () => {
      const [a, b] = await nodes(2);
      const { Redis } = await import("ioredis");
      const listener = new Redis(TEST_REDIS_URL);
      const admin = new Redis(TEST_REDIS_URL);
      try {
        const channel = `${prefix}:presence-changes:v2`;
        const published: string[] = [];
        listener.on("message", (_channel: string, text: string) => published.push(text));
        await listener.subscribe(channel);
        await a!.apply(connect(tab("t1")), now);
        await eventually(() => (published.length > 0 ? true : undefined));
        const message = parseChange(published[0]!);
        const [rev, data] = await admin.hmget(`${prefix}:{default:ada}:presence`, "rev", "data");
        expect(message).toMatchObject({ node: "node-0", platform: "default", user: "ada" });
        expect([String(message?.rev), message?.data]).toEqual([rev, data]);

        // Someone else's messages on the channel: b ignores them and follows the next change.
        for (const stray of ["hello", '{"rev":"x"}\n{}', "{not json\n", '{"node":1}']) {
          await admin.publish(channel, stray);
        }
        await a!.apply({ type: "page", key: tab("t1"), page: { ...page, path: "/next" } }, now + 1);
        await eventually(() =>
          b!.view("default", "ada", now + 2)?.connections[0]?.page.path === "/next"
            ? true
            : undefined,
        );
      } finally {
        listener.disconnect();
        admin.disconnect();
      }
    });

    it("one node's change reaches the other's listeners", async () => {
      const [a, b] = await nodes(2);
      const seen: string[] = [];
      b!.onRemoteChange((change) => seen.push(change.user));
      await a!.apply(connect(tab("t1", "grace")), now);
      await eventually(() => (seen.includes("grace") ? true : undefined));
    });

    it("a dead node's tabs are dropped as of its last beat, and nobody else's", async () => {
      const [a, b] = await nodes(2);
      await a!.apply(connect(tab("on-a", "ada")), now);
      await b!.apply(connect(tab("on-b", "bo")), now);
      await b!.apply(connect(tab("on-b2", "ada")), now);
      const lastBeat = now;
      await b!.close(); // like kill -9: nothing dropped, no more beats
      stores = [a!];
      await eventually(() =>
        a!.view("default", "bo", now)?.connections.length === 1 ? true : undefined,
      );
      now += 2 * NODE_RULES.heartbeatMs - 1;
      await a!.apply({ type: "heartbeat", key: tab("on-a") }, now);
      expect(await a!.apply({ type: "tick" }, now)).toEqual([]);
      now += 2;
      const changes = await a!.apply({ type: "tick" }, now);
      const visitsEnded = changes.filter((c) => c.type === "visitEnded");
      expect(visitsEnded.map((c) => (c.type === "visitEnded" ? [c.tab, c.endedAt] : []))).toEqual(
        expect.arrayContaining([
          ["on-b", lastBeat],
          ["on-b2", lastBeat],
        ]),
      );
      expect(visitsEnded).toHaveLength(2);
      expect(a!.view("default", "bo", now)?.status).toBe("offline");
      expect(a!.view("default", "ada", now)?.connections.map((c) => c.tab)).toEqual(["on-a"]);
      expect(a!.view("default", "ada", now)?.status).toBe("online");
    });

    it("a tab of a dead node reconnecting to another within the grace keeps its session", async () => {
      const [a, b] = await nodes(2);
      await b!.apply(connect(tab("t1", "cy")), now);
      await b!.close();
      stores = [a!];
      now += 3 * NODE_RULES.heartbeatMs;
      await eventually(() => (a!.view("default", "cy", T0) ? true : undefined));
      await a!.apply({ type: "tick" }, now);
      const back = await a!.apply(connect(tab("t1", "cy")), now + 1_000);
      expect(back.filter((c) => c.type === "sessionStarted")).toEqual([]);
      expect(a!.view("default", "cy", now + 1_000)?.sessionStartedAt).toBe(T0);
    });

    it("two nodes applying the same deadline record its facts once", async () => {
      const [a, b] = await nodes(2);
      await a!.apply(connect(tab("t1", "di")), now);
      await a!.apply({ type: "disconnect", key: tab("t1", "di") }, now + 100);
      now += 100 + NODE_RULES.graceMs;
      const [fromA, fromB] = await Promise.all([
        a!.apply({ type: "tick" }, now),
        b!.apply({ type: "tick" }, now),
      ]);
      const ended = [...fromA, ...fromB].filter((c) => c.type === "sessionEnded");
      expect(ended).toHaveLength(1);
    });
  },
);
