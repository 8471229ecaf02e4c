// HTTP-transport tabs on nodes sharing Redis: any node hears, moves and times them out; none owns them.
import { afterEach, describe, expect, it } from "vitest";
import { ofType } from "../../testing/presence-changes.js";
import {
  deleteRedisKeys,
  openTestRedisStore,
  redisForTests,
  uniqueRedisPrefix,
} from "../../testing/test-redis.js";
import { eventually } from "../../testing/test-rollcall.js";
import type { ConnectionKey, PresenceEvent } from "../engine/types.js";
import { CONTRACT_RULES } from "./presence-store-contract.js";
import type { RedisPresenceStore } from "./redis-presence-store.js";

const { isReachable, skipReason: SKIP_REASON } = await redisForTests();

/** As by default, the grace (120 s) outlasts the HTTP deadline (45 s): the session waits. */
const RULES = { ...CONTRACT_RULES, heartbeatMs: 1_000, graceMs: 120_000 };
const T0 = 1_700_000_000_000;
const key: ConnectionKey = { platform: "default", user: "hal", tab: "tab-http-1" };
const helloOverHttp: PresenceEvent = {
  type: "connect",
  key,
  transport: "http",
  page: { path: "/lessons/algebra", title: "Algebra", app: null },
  isVisible: true,
  inputAgoMs: 0,
};

describe.skipIf(!isReachable)(
  `HTTP-transport tabs across nodes sharing Redis${isReachable ? "" : ` (skipped: ${SKIP_REASON})`}`,
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
      prefix = uniqueRedisPrefix("http-tabs");
      now = T0;
      for (let i = 0; i < count; i++) {
        stores.push(await openTestRedisStore({ prefix, rules: RULES, clock, nodeId: `node-${i}` }));
      }
      return stores;
    }

    /** Waits until `store`'s replica has the tab (pub/sub is asynchronous). */
    const hasTab = (store: RedisPresenceStore) =>
      eventually(() => (store.hasConnection(key) ? true : undefined));

    it("a tab that said hello on one node is heard from and moves page through another", async () => {
      const [a, b] = await nodes(2);
      await a!.apply(helloOverHttp, now);
      await hasTab(b!);
      now += 5_000;
      await b!.apply({ type: "heartbeat", key }, now);
      const moved = await b!.apply(
        { type: "page", key, page: { path: "/quiz/3", title: "Quiz 3", app: null } },
        now,
      );
      expect(ofType(moved, "visitEnded")).toMatchObject([{ tab: key.tab, endedAt: now }]);
      expect(ofType(moved, "visitStarted")).toMatchObject([{ page: { path: "/quiz/3" } }]);
      expect(ofType(moved, "sessionStarted")).toEqual([]);
      await eventually(() =>
        a!.view("default", "hal", now)?.currentPage?.path === "/quiz/3" ? true : undefined,
      );
      expect(a!.view("default", "hal", now)).toMatchObject({ status: "online" });
    });

    it("a silent tab is dropped as of its last batch by whichever node ticks, once", async () => {
      const [a, b] = await nodes(2);
      await a!.apply(helloOverHttp, now);
      await hasTab(b!);
      now += 5_000;
      const lastBatchAt = now;
      await b!.apply({ type: "heartbeat", key }, now);
      await eventually(() =>
        a!.view("default", "hal", now)?.connections[0]?.lastSeenAt === lastBatchAt
          ? true
          : undefined,
      );
      now = lastBatchAt + RULES.httpLiveMs - 1;
      expect(await a!.apply({ type: "tick" }, now)).toEqual([]);
      now += 1;
      const [fromA, fromB] = await Promise.all([
        a!.apply({ type: "tick" }, now),
        b!.apply({ type: "tick" }, now),
      ]);
      const ended = ofType([...fromA, ...fromB], "visitEnded");
      expect(ended).toMatchObject([{ tab: key.tab, endedAt: lastBatchAt }]);
      for (const store of [a!, b!]) {
        await eventually(() =>
          store.view("default", "hal", now)?.connections.length === 0 ? true : undefined,
        );
        expect(store.view("default", "hal", now)?.status).toBe("offline");
        expect(store.hasConnection(key)).toBe(false);
      }
    });

    it("a tab outlives the node it said hello on: only sockets die with their node", async () => {
      const [a, b] = await nodes(2);
      const helloAt = now;
      await a!.apply(helloOverHttp, now);
      await hasTab(b!);
      await a!.close(); // like kill -9: no more beats
      stores = [b!];
      now += 3 * RULES.heartbeatMs;
      expect(await b!.apply({ type: "tick" }, now)).toEqual([]);
      expect(b!.view("default", "hal", now)).toMatchObject({ status: "online" });
      // Its next batch reaches the live node, which reports it from then on.
      await b!.apply({ type: "heartbeat", key }, now);
      expect([...b!.liveUsers()]).toEqual([
        { platform: "default", user: "hal", lastSeenAt: now, sessionStartedAt: helloAt },
      ]);
    });

    it("the node that last heard from a tab reports it among its live users, and only it", async () => {
      const [a, b] = await nodes(2);
      await a!.apply(helloOverHttp, now);
      await hasTab(b!);
      expect([...a!.liveUsers()].map((u) => u.user)).toEqual(["hal"]);
      expect([...b!.liveUsers()]).toEqual([]);
      now += 1_000;
      await b!.apply({ type: "heartbeat", key }, now);
      await eventually(() => ([...a!.liveUsers()].length === 0 ? true : undefined));
      expect([...b!.liveUsers()].map((u) => u.user)).toEqual(["hal"]);
    });
  },
);
