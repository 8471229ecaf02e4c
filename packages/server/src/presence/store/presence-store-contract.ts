// The behaviour every PresenceStore shares, run by each store's test with time driven by hand.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ofType } from "../../testing/presence-changes.js";
import type { ConnectionKey, PresenceEvent, PresenceRules } from "../engine/types.js";
import type { PresenceStore } from "./presence-store.js";

/** Heartbeats far apart: a silent socket is the memory engine's to time out, a node's in Redis. */
export const CONTRACT_RULES: PresenceRules = {
  heartbeatMs: 100_000,
  httpLiveMs: 45_000,
  idleMs: 60_000,
  graceMs: 10_000,
};

export interface StoreUnderTest {
  store: PresenceStore;
  /** Releases the store and anything it left behind (keys, connections). */
  cleanup(): Promise<void>;
}

const T0 = 1_700_000_000_000;
const page = { path: "/lesson/1", title: "Lesson 1", app: "math" };

function tab(tabId: string, user = "ada"): ConnectionKey {
  return { platform: "default", user, tab: tabId };
}

function connect(key: ConnectionKey): PresenceEvent {
  return { type: "connect", key, transport: "ws", page, isVisible: true, inputAgoMs: 0 };
}

export function runPresenceStoreContract(
  name: string,
  makeStore: (rules: PresenceRules) => Promise<StoreUnderTest>,
): void {
  describe(`PresenceStore contract: ${name}`, () => {
    let subject: StoreUnderTest;
    let store: PresenceStore;
    const apply = async (event: PresenceEvent, now: number) => store.apply(event, now);

    beforeEach(async () => {
      subject = await makeStore(CONTRACT_RULES);
      store = subject.store;
    });
    afterEach(async () => {
      await subject.cleanup();
    });

    it("a connected tab makes its user online on its page, and the store holds the tab", async () => {
      const changes = await apply(connect(tab("t1")), T0);
      expect(ofType(changes, "sessionStarted")).toEqual([
        { type: "sessionStarted", platform: "default", user: "ada", startedAt: T0 },
      ]);
      expect(ofType(changes, "visitStarted")).toHaveLength(1);
      expect(ofType(changes, "user")).toHaveLength(1);
      const view = store.view("default", "ada", T0 + 10);
      expect(view?.status).toBe("online");
      expect(view?.currentPage?.path).toBe("/lesson/1");
      expect(store.hasConnection(tab("t1"))).toBe(true);
      expect([...store.views("default", T0 + 10)].map((v) => v.user)).toEqual(["ada"]);
    });

    it("two tabs of one user are one user with two connections and one session", async () => {
      await apply(connect(tab("t1")), T0);
      const second = await apply(connect(tab("t2")), T0 + 100);
      expect(ofType(second, "sessionStarted")).toEqual([]);
      expect(store.view("default", "ada", T0 + 200)?.connections).toHaveLength(2);
      expect(store.view("default", "ada", T0 + 200)?.sessionStartedAt).toBe(T0);
    });

    it("a tab back within the grace continues the session", async () => {
      await apply(connect(tab("t1")), T0);
      await apply({ type: "disconnect", key: tab("t1") }, T0 + 1_000);
      expect(store.view("default", "ada", T0 + 1_001)?.status).toBe("offline");
      const back = await apply(connect(tab("t1")), T0 + 5_000);
      expect(ofType(back, "sessionStarted")).toEqual([]);
      expect(ofType(back, "sessionEnded")).toEqual([]);
      expect(store.view("default", "ada", T0 + 5_001)?.sessionStartedAt).toBe(T0);
    });

    it("a session ends once, at the last live moment, when the grace runs out", async () => {
      await apply(connect(tab("t1")), T0);
      await apply({ type: "disconnect", key: tab("t1") }, T0 + 2_000);
      expect(await apply({ type: "tick" }, T0 + 11_999)).toEqual([]);
      const ended = await apply({ type: "tick" }, T0 + 12_000);
      expect(ofType(ended, "sessionEnded")).toEqual([
        {
          type: "sessionEnded",
          platform: "default",
          user: "ada",
          startedAt: T0,
          endedAt: T0 + 2_000,
        },
      ]);
      expect(await apply({ type: "tick" }, T0 + 13_000)).toEqual([]);
      expect(store.view("default", "ada", T0 + 13_000)).toBeNull();
    });

    it("a disconnect reported late is dated at the last live moment given", async () => {
      await apply(connect(tab("t1")), T0);
      const dropped = await apply(
        { type: "disconnect", key: tab("t1"), lastLiveAt: T0 + 1_500 },
        T0 + 3_000,
      );
      expect(ofType(dropped, "visitEnded")[0]?.endedAt).toBe(T0 + 1_500);
      const ended = await apply({ type: "tick" }, T0 + 11_500);
      expect(ofType(ended, "sessionEnded")[0]?.endedAt).toBe(T0 + 1_500);
    });

    it("no input for the idle threshold makes the user idle and ends their activity", async () => {
      await apply(connect(tab("t1")), T0);
      const idle = await apply({ type: "tick" }, T0 + 60_000);
      expect(ofType(idle, "activeEnded")).toEqual([
        {
          type: "activeEnded",
          platform: "default",
          user: "ada",
          app: "math",
          startedAt: T0,
          endedAt: T0 + 60_000,
        },
      ]);
      expect(store.view("default", "ada", T0 + 60_001)?.status).toBe("idle");
    });

    it("a page change starts a new visit and moves the current page", async () => {
      await apply(connect(tab("t1")), T0);
      const moved = await apply(
        { type: "page", key: tab("t1"), page: { path: "/quiz", title: "Quiz", app: "math" } },
        T0 + 500,
      );
      expect(ofType(moved, "visitEnded")[0]?.endedAt).toBe(T0 + 500);
      expect(ofType(moved, "visitStarted")[0]?.page.path).toBe("/quiz");
      expect(store.view("default", "ada", T0 + 501)?.currentPage?.path).toBe("/quiz");
    });

    it("a user's brief says what their view says, without the connections", async () => {
      await apply(connect(tab("t1")), T0);
      await apply({ type: "tick" }, T0 + 60_000);
      for (const at of [T0 + 1, T0 + 60_001]) {
        const { status, currentPage, sessionStartedAt } = store.view("default", "ada", at)!;
        expect(store.brief("default", "ada", at)).toEqual({
          user: "ada",
          status,
          currentPage,
          sessionStartedAt,
        });
      }
      expect(store.brief("default", "nobody", T0)).toBeNull();
    });

    it("events for a tab the store does not hold change nothing", async () => {
      expect(await apply({ type: "input", key: tab("nobody") }, T0)).toEqual([]);
      expect(await apply({ type: "disconnect", key: tab("nobody") }, T0)).toEqual([]);
      expect(store.hasConnection(tab("nobody"))).toBe(false);
    });

    it("a forgotten user leaves no trace and no fact", async () => {
      await apply(connect(tab("t1")), T0);
      expect(await apply({ type: "forget", platform: "default", user: "ada" }, T0 + 100)).toEqual(
        [],
      );
      expect(store.view("default", "ada", T0 + 101)).toBeNull();
      expect(await apply({ type: "tick" }, T0 + 60_000)).toEqual([]);
    });

    it("a restored session waits for its tab within the grace, then ends at its last live moment", async () => {
      const session = {
        platform: "default",
        user: "bo",
        startedAt: T0 - 5_000,
        lastLiveAt: T0 - 1_000,
      };
      expect(await store.restorable([session])).toEqual([session]);
      await apply({ type: "restore", sessions: [session] }, T0);
      expect(store.view("default", "bo", T0)?.sessionStartedAt).toBe(T0 - 5_000);
      const ended = await apply({ type: "tick" }, T0 + 9_000);
      expect(ofType(ended, "sessionEnded")[0]?.endedAt).toBe(T0 - 1_000);
    });
  });
}
