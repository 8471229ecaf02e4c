// The presence engine driven by a hand-moved clock: restarts, active intervals per app, page
// visits, user changes, forgetting a user, and events of connections it does not know.
import { describe, expect, it } from "vitest";
import { connect, key, PLATFORM, page, setup, TAB_A, TAB_B } from "../../testing/engine-clock.js";
import { ofType } from "../../testing/presence-changes.js";
import { liveUsers, openSessions } from "./engine.js";
import type { PresenceEvent } from "./types.js";

describe("server restart", () => {
  it("a connect within grace after restore continues the session", () => {
    const engine = setup();
    const restored = engine.at(150_000).apply({
      type: "restore",
      sessions: [{ platform: PLATFORM, user: "ada", startedAt: 0, lastLiveAt: 100_000 }],
    });
    expect(restored).toEqual([{ type: "user", platform: PLATFORM, user: "ada" }]);
    expect(engine.view()).toMatchObject({
      status: "offline",
      sessionStartedAt: 0,
      lastLiveAt: 100_000,
    });

    const changes = engine.at(200_000).apply(connect());
    expect(ofType(changes, "sessionStarted")).toHaveLength(0);
    expect(ofType(changes, "sessionEnded")).toHaveLength(0);
    expect(engine.view()).toMatchObject({ status: "online", sessionStartedAt: 0 });
    expect(ofType(engine.run(400_000, [key()]), "sessionEnded")).toHaveLength(0);
  });

  it("a restored session nobody comes back to ends at its lastLiveAt once grace passes", () => {
    const engine = setup();
    engine.at(150_000).apply({
      type: "restore",
      sessions: [{ platform: PLATFORM, user: "ada", startedAt: 0, lastLiveAt: 100_000 }],
    });
    expect(ofType(engine.run(219_000), "sessionEnded")).toHaveLength(0);
    expect(engine.at(220_000).apply({ type: "tick" })).toContainEqual({
      type: "sessionEnded",
      platform: PLATFORM,
      user: "ada",
      startedAt: 0,
      endedAt: 100_000,
    });
  });

  it("a restored session already past grace ends on the first tick at its lastLiveAt", () => {
    const engine = setup();
    const restored = engine.at(1_000_000).apply({
      type: "restore",
      sessions: [{ platform: PLATFORM, user: "ada", startedAt: 0, lastLiveAt: 100_000 }],
    });
    expect(ofType(restored, "sessionEnded")).toHaveLength(0);
    expect(engine.view()?.sessionStartedAt).toBeNull();
    expect(engine.at(1_000_000).apply({ type: "tick" })).toEqual([
      { type: "sessionEnded", platform: PLATFORM, user: "ada", startedAt: 0, endedAt: 100_000 },
    ]);
    expect(engine.view()).toBeNull();
  });

  it("a connect past grace after restore ends the restored session and starts a new one", () => {
    const engine = setup();
    engine.at(1_000_000).apply({
      type: "restore",
      sessions: [{ platform: PLATFORM, user: "ada", startedAt: 0, lastLiveAt: 100_000 }],
    });
    const changes = engine.at(1_000_500).apply(connect());
    expect(ofType(changes, "sessionEnded")[0]?.endedAt).toBe(100_000);
    expect(ofType(changes, "sessionStarted")[0]?.startedAt).toBe(1_000_500);
  });

  it("what openSessions reports is what restore takes back", () => {
    const engine = setup();
    engine.at(0).apply(connect({ user: "ada" }));
    engine.at(0).apply(connect({ user: "bob" }));
    engine.at(5_000).apply({ type: "heartbeat", key: key(TAB_A, "ada") });
    engine.at(6_000).apply({ type: "disconnect", key: key(TAB_A, "bob") });
    const open = openSessions(engine.state);
    expect(open).toEqual([
      { platform: PLATFORM, user: "ada", startedAt: 0, lastLiveAt: 5_000 },
      { platform: PLATFORM, user: "bob", startedAt: 0, lastLiveAt: 6_000 },
    ]);
    expect([...liveUsers(engine.state)]).toEqual([
      { platform: PLATFORM, user: "ada", lastSeenAt: 5_000, sessionStartedAt: 0 },
    ]);
    expect([...liveUsers(engine.state, "other")]).toEqual([]);

    const next = setup();
    next.at(60_000).apply({ type: "restore", sessions: open });
    next.at(70_000).apply(connect({ user: "ada" }));
    expect(next.view("ada")?.sessionStartedAt).toBe(0);
    expect(ofType(next.run(300_000, [key(TAB_A, "ada")]), "sessionEnded")).toEqual([
      { type: "sessionEnded", platform: PLATFORM, user: "bob", startedAt: 0, endedAt: 6_000 },
    ]);
  });
});

describe("app-scoped active intervals", () => {
  it("run per app while some live, non-idle tab is on that app", () => {
    const engine = setup();
    const first = engine.at(0).apply(connect({ tab: TAB_A, page: page("/m", "math") }));
    expect(ofType(first, "activeStarted").map((c) => c.app)).toEqual(["math"]);
    const second = engine.at(1_000).apply(connect({ tab: TAB_B, page: page("/h", "history") }));
    expect(ofType(second, "activeStarted").map((c) => c.app)).toEqual(["history"]);

    // Tab B moves to math: history ends, math goes on without a new interval.
    const moved = engine
      .at(2_000)
      .apply({ type: "page", key: key(TAB_B), page: page("/m/2", "math") });
    expect(ofType(moved, "activeEnded")).toEqual([
      {
        type: "activeEnded",
        platform: PLATFORM,
        user: "ada",
        app: "history",
        startedAt: 1_000,
        endedAt: 2_000,
      },
    ]);
    expect(ofType(moved, "activeStarted")).toHaveLength(0);

    expect(
      ofType(engine.at(3_000).apply({ type: "disconnect", key: key(TAB_A) }), "activeEnded"),
    ).toEqual([]);
    const last = engine.at(4_000).apply({ type: "disconnect", key: key(TAB_B) });
    expect(ofType(last, "activeEnded")).toEqual([
      {
        type: "activeEnded",
        platform: PLATFORM,
        user: "ada",
        app: "math",
        startedAt: 0,
        endedAt: 4_000,
      },
    ]);
  });

  it("treat a page without app as app null", () => {
    const engine = setup();
    const changes = engine.at(0).apply(connect({ page: page("/") }));
    expect(ofType(changes, "activeStarted")[0]?.app).toBeNull();
    const moved = engine.at(1_000).apply({ type: "page", key: key(), page: page("/x", null) });
    expect(ofType(moved, "activeEnded")).toHaveLength(0);
    expect(ofType(moved, "visitStarted")).toHaveLength(1);
  });

  it("end at the latest stop when stops are found out of order", () => {
    const engine = setup();
    engine.at(0).apply(connect({ tab: TAB_A, page: page("/m", "math") }));
    engine.at(0).apply(connect({ tab: TAB_B, page: page("/m", "math") }));
    engine.at(10_000).apply({ type: "heartbeat", key: key(TAB_A) });
    engine.at(20_000).apply({ type: "heartbeat", key: key(TAB_B) });
    engine.at(25_000).apply({ type: "visibility", key: key(TAB_B), isVisible: false });
    // Tab A times out at 40 s, dated back to 10 s; the app was active until B was hidden.
    const changes = engine.run(40_000, [key(TAB_B)]);
    expect(ofType(changes, "activeEnded")).toEqual([
      {
        type: "activeEnded",
        platform: PLATFORM,
        user: "ada",
        app: "math",
        startedAt: 0,
        endedAt: 25_000,
      },
    ]);
  });
});

describe("page visits", () => {
  it("a navigation ends the old visit and starts a new one", () => {
    const engine = setup();
    engine.at(0).apply(connect({ page: page("/a") }));
    const changes = engine.at(5_000).apply({ type: "page", key: key(), page: page("/b") });
    expect(changes).toEqual([
      {
        type: "visitEnded",
        platform: PLATFORM,
        user: "ada",
        tab: TAB_A,
        startedAt: 0,
        endedAt: 5_000,
      },
      {
        type: "visitStarted",
        platform: PLATFORM,
        user: "ada",
        tab: TAB_A,
        page: page("/b"),
        startedAt: 5_000,
      },
      { type: "user", platform: PLATFORM, user: "ada" },
    ]);
  });

  it("a title-only change updates the current page without a new visit", () => {
    const engine = setup();
    engine.at(0).apply(connect({ page: page("/a", null, "Loading") }));
    const changes = engine.at(1_000).apply({
      type: "page",
      key: key(),
      page: page("/a", null, "Lesson 1"),
    });
    expect(changes).toEqual([{ type: "user", platform: PLATFORM, user: "ada" }]);
    expect(engine.view()?.currentPage?.title).toBe("Lesson 1");
  });

  it("a title change in a tab that is not the current page changes no row", () => {
    const engine = setup();
    engine.at(0).apply(connect({ tab: TAB_A, page: page("/a") }));
    engine.at(1_000).apply(connect({ tab: TAB_B, page: page("/b") }));
    const changes = engine.at(2_000).apply({
      type: "page",
      key: key(TAB_A),
      page: page("/a", undefined, "New title"),
    });
    expect(changes).toEqual([]);
  });
});

describe("user changes", () => {
  it("are not emitted for heartbeats or ticks that change nothing", () => {
    const engine = setup();
    engine.at(0).apply(connect());
    expect(engine.at(15_000).apply({ type: "heartbeat", key: key() })).toEqual([]);
    expect(engine.at(16_000).apply({ type: "tick" })).toEqual([]);
    expect(engine.run(200_000, [key()])).toEqual([]);
    expect(engine.at(200_500).apply({ type: "input", key: key() })).toEqual([]);
  });

  it("are coalesced into one per user per call", () => {
    const engine = setup();
    engine.at(0).apply(connect({ tab: TAB_A, user: "ada" }));
    engine.at(0).apply(connect({ tab: TAB_B, user: "ada" }));
    engine.at(0).apply(connect({ tab: TAB_A, user: "bob" }));
    const changes = engine.at(30_000).apply({ type: "tick" });
    expect(ofType(changes, "user")).toEqual([
      { type: "user", platform: PLATFORM, user: "ada" },
      { type: "user", platform: PLATFORM, user: "bob" },
    ]);
    expect(ofType(changes, "visitEnded")).toHaveLength(3);
  });
});

describe("forget", () => {
  it("drops the user's connections and session without recording anything", () => {
    const engine = setup();
    engine.at(0).apply(connect({ tab: TAB_A }));
    engine.at(0).apply(connect({ tab: TAB_B }));
    const forgotten = engine.at(1_000).apply({ type: "forget", platform: PLATFORM, user: "ada" });
    expect(forgotten).toEqual([]);
    expect(engine.view()).toBeNull();
    expect(openSessions(engine.state)).toEqual([]);
    expect(engine.run(500_000)).toEqual([]);
  });
});

describe("events of unknown connections", () => {
  it("are ignored", () => {
    const engine = setup();
    engine.at(0).apply(connect({ tab: TAB_A }));
    for (const event of [
      { type: "heartbeat", key: key("tab-unknown1") },
      { type: "input", key: key("tab-unknown1") },
      { type: "page", key: key(TAB_A, "nobody"), page: page("/x") },
      { type: "visibility", key: key(TAB_A, "nobody"), isVisible: false },
      { type: "disconnect", key: key(TAB_A, "nobody") },
    ] satisfies PresenceEvent[]) {
      expect(engine.at(1_000).apply(event)).toEqual([]);
    }
    expect(engine.view("nobody")).toBeNull();
  });
});
