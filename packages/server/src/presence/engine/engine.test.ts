// The presence engine driven by a hand-moved clock through every rule of DESIGN.md "Meanings".
import type { Page } from "@rollcall/protocol";
import { describe, expect, it } from "vitest";
import { ofType } from "../../testing/presence-changes.js";
import {
  applyPresenceEvent,
  createPresenceState,
  hasConnection,
  listUserViews,
  liveUsers,
  openSessions,
  viewUser,
} from "./engine.js";
import type {
  ConnectionKey,
  PresenceChange,
  PresenceEvent,
  PresenceRules,
  Transport,
} from "./types.js";

const rules: PresenceRules = {
  heartbeatMs: 15_000,
  httpLiveMs: 45_000,
  idleMs: 300_000,
  graceMs: 120_000,
};
const PLATFORM = "default";
const TAB_A = "tab-aaaaaaaa";
const TAB_B = "tab-bbbbbbbb";

function key(tab = TAB_A, user = "ada"): ConnectionKey {
  return { platform: PLATFORM, user, tab };
}

function page(path: string, app?: string | null, title = path): Page {
  return app === undefined ? { path, title } : { path, title, app };
}

interface ConnectOptions {
  tab?: string;
  user?: string;
  page?: Page;
  transport?: Transport;
  isVisible?: boolean;
  inputAgoMs?: number;
}

function connect(options: ConnectOptions = {}): PresenceEvent {
  return {
    type: "connect",
    key: key(options.tab, options.user),
    transport: options.transport ?? "ws",
    page: options.page ?? page("/home"),
    isVisible: options.isVisible ?? true,
    inputAgoMs: options.inputAgoMs ?? 0,
  };
}

/** An engine and a clock that only moves when told. */
function setup() {
  const state = createPresenceState(rules);
  let now = 0;
  const apply = (event: PresenceEvent): PresenceChange[] => applyPresenceEvent(state, event, now);
  return {
    state,
    at(time: number) {
      expect(time).toBeGreaterThanOrEqual(now);
      now = time;
      return { apply };
    },
    view: (user = "ada") => viewUser(state, PLATFORM, user, now),
    /**
     * Ticks every second up to `until`, the given tabs heart-beating every 15 s;
     * returns everything the engine decided on the way.
     */
    run(until: number, beating: ConnectionKey[] = []): PresenceChange[] {
      const changes: PresenceChange[] = [];
      for (let t = Math.floor(now / 1000) * 1000 + 1000; t <= until; t += 1000) {
        now = t;
        if (t % rules.heartbeatMs === 0) {
          for (const k of beating) changes.push(...apply({ type: "heartbeat", key: k }));
        }
        changes.push(...apply({ type: "tick" }));
      }
      return changes;
    },
  };
}

describe("connecting", () => {
  it("a first tab starts a session, a visit and an active interval, and shows the user online", () => {
    const engine = setup();
    const changes = engine.at(1_000).apply(connect({ page: page("/lesson/1", "math") }));
    expect(changes).toEqual([
      { type: "sessionStarted", platform: PLATFORM, user: "ada", startedAt: 1_000 },
      {
        type: "visitStarted",
        platform: PLATFORM,
        user: "ada",
        tab: TAB_A,
        page: page("/lesson/1", "math"),
        startedAt: 1_000,
      },
      { type: "activeStarted", platform: PLATFORM, user: "ada", app: "math", startedAt: 1_000 },
      { type: "user", platform: PLATFORM, user: "ada" },
    ]);
    const view = engine.view();
    expect(view).toMatchObject({
      status: "online",
      currentPage: page("/lesson/1", "math"),
      sessionStartedAt: 1_000,
      lastLiveAt: 1_000,
    });
    expect(view?.connections).toHaveLength(1);
    expect(hasConnection(engine.state, key())).toBe(true);
  });

  it("a hidden tab that connects makes the user idle but still starts a session", () => {
    const engine = setup();
    const changes = engine.at(0).apply(connect({ isVisible: false }));
    expect(ofType(changes, "sessionStarted")).toHaveLength(1);
    expect(ofType(changes, "activeStarted")).toHaveLength(0);
    expect(engine.view()?.status).toBe("idle");
  });

  it("connecting again on a live tab ends its visit and starts a new one in the same session", () => {
    const engine = setup();
    engine.at(0).apply(connect({ page: page("/a") }));
    const changes = engine.at(5_000).apply(connect({ page: page("/a") }));
    expect(ofType(changes, "visitEnded")).toEqual([
      {
        type: "visitEnded",
        platform: PLATFORM,
        user: "ada",
        tab: TAB_A,
        startedAt: 0,
        endedAt: 5_000,
      },
    ]);
    expect(ofType(changes, "visitStarted")[0]?.startedAt).toBe(5_000);
    expect(ofType(changes, "sessionStarted")).toHaveLength(0);
    expect(ofType(changes, "activeEnded")).toHaveLength(0);
    expect(engine.view()?.connections).toHaveLength(1);
  });
});

describe("two tabs of one user", () => {
  it("count as one user with two connections and one session", () => {
    const engine = setup();
    engine.at(0).apply(connect({ tab: TAB_A, page: page("/a") }));
    const changes = engine.at(2_000).apply(connect({ tab: TAB_B, page: page("/b") }));
    expect(ofType(changes, "sessionStarted")).toHaveLength(0);
    expect(ofType(changes, "user")).toHaveLength(1);
    const view = engine.view();
    expect(view?.status).toBe("online");
    expect(view?.connections.map((c) => c.tab)).toEqual([TAB_A, TAB_B]);
    expect([...listUserViews(engine.state, PLATFORM, 2_000)]).toHaveLength(1);
  });

  it("show the page of the most recently active tab as the current page", () => {
    const engine = setup();
    engine.at(0).apply(connect({ tab: TAB_A, page: page("/a") }));
    engine.at(2_000).apply(connect({ tab: TAB_B, page: page("/b") }));
    expect(engine.view()?.currentPage?.path).toBe("/b");

    const input = engine.at(3_000).apply({ type: "input", key: key(TAB_A) });
    expect(input).toEqual([{ type: "user", platform: PLATFORM, user: "ada" }]);
    expect(engine.view()?.currentPage?.path).toBe("/a");

    engine.at(4_000).apply({ type: "page", key: key(TAB_B), page: page("/b/2") });
    expect(engine.view()?.currentPage?.path).toBe("/b/2");

    engine.at(5_000).apply({ type: "visibility", key: key(TAB_A), isVisible: false });
    engine.at(6_000).apply({ type: "visibility", key: key(TAB_A), isVisible: true });
    expect(engine.view()?.currentPage?.path).toBe("/a");
  });

  it("break a tie of activity in favour of the latest connect", () => {
    const engine = setup();
    engine.at(0).apply(connect({ tab: TAB_A, page: page("/a") }));
    engine.at(0).apply(connect({ tab: TAB_B, page: page("/b") }));
    expect(engine.view()?.currentPage?.path).toBe("/b");
  });

  it("end the session only at the last moment any tab was live", () => {
    const engine = setup();
    engine.at(0).apply(connect({ tab: TAB_A }));
    engine.at(0).apply(connect({ tab: TAB_B }));
    engine.at(10_000).apply({ type: "heartbeat", key: key(TAB_A) });
    engine.at(20_000).apply({ type: "disconnect", key: key(TAB_B) });
    // Tab A falls silent after 10 s and is dropped at 40 s: its last live moment is 10 s.
    const changes = engine.run(200_000);
    expect(ofType(changes, "sessionEnded")).toEqual([
      { type: "sessionEnded", platform: PLATFORM, user: "ada", startedAt: 0, endedAt: 20_000 },
    ]);
  });
});

describe("reload within grace", () => {
  it("disconnect then connect of the same tab keeps the session and starts a new visit", () => {
    const engine = setup();
    engine.at(0).apply(connect({ page: page("/a") }));
    const closed = engine.at(10_000).apply({ type: "disconnect", key: key() });
    expect(engine.view()?.status).toBe("offline");
    expect(ofType(closed, "visitEnded")[0]?.endedAt).toBe(10_000);

    const reopened = engine.at(11_000).apply(connect({ page: page("/a") }));
    expect(ofType(reopened, "sessionStarted")).toHaveLength(0);
    expect(ofType(reopened, "visitStarted")[0]?.startedAt).toBe(11_000);
    expect(engine.view()?.sessionStartedAt).toBe(0);

    const later = engine.run(400_000, [key()]);
    expect(ofType(later, "sessionEnded")).toHaveLength(0);
    expect(engine.view()?.sessionStartedAt).toBe(0);
  });

  it("a connect at exactly end + grace starts a new session and ends the old one first", () => {
    const engine = setup();
    engine.at(0).apply(connect());
    engine.at(10_000).apply({ type: "disconnect", key: key() });
    const changes = engine.at(130_000).apply(connect());
    expect(changes.map((c) => c.type)).toEqual([
      "sessionEnded",
      "sessionStarted",
      "visitStarted",
      "activeStarted",
      "user",
    ]);
    expect(ofType(changes, "sessionEnded")[0]?.endedAt).toBe(10_000);
    expect(engine.view()?.sessionStartedAt).toBe(130_000);
  });
});

describe("closing the last tab", () => {
  it("makes the user offline at once and ends the session after grace at the close time", () => {
    const engine = setup();
    engine.at(0).apply(connect({ page: page("/a", "math") }));
    engine.run(60_000, [key()]);
    const closed = engine.at(60_000).apply({ type: "disconnect", key: key() });
    expect(closed).toEqual([
      {
        type: "activeEnded",
        platform: PLATFORM,
        user: "ada",
        app: "math",
        startedAt: 0,
        endedAt: 60_000,
      },
      {
        type: "visitEnded",
        platform: PLATFORM,
        user: "ada",
        tab: TAB_A,
        startedAt: 0,
        endedAt: 60_000,
      },
      { type: "user", platform: PLATFORM, user: "ada" },
    ]);
    expect(engine.view()).toMatchObject({
      status: "offline",
      currentPage: null,
      connections: [],
      sessionStartedAt: 0,
      lastLiveAt: 60_000,
    });
    expect(hasConnection(engine.state, key())).toBe(false);

    expect(ofType(engine.run(179_000), "sessionEnded")).toHaveLength(0);
    expect(engine.at(180_000).apply({ type: "tick" })).toEqual([
      { type: "sessionEnded", platform: PLATFORM, user: "ada", startedAt: 0, endedAt: 60_000 },
      { type: "user", platform: PLATFORM, user: "ada" },
    ]);
    expect(engine.view()).toBeNull();
    expect(openSessions(engine.state)).toEqual([]);
  });
});

describe("a hidden tab", () => {
  it("makes the user idle and ends the active interval at the moment it was hidden", () => {
    const engine = setup();
    engine.at(0).apply(connect({ page: page("/a", "math") }));
    engine.run(30_000, [key()]);
    const hidden = engine.at(30_000).apply({ type: "visibility", key: key(), isVisible: false });
    expect(hidden).toEqual([
      {
        type: "activeEnded",
        platform: PLATFORM,
        user: "ada",
        app: "math",
        startedAt: 0,
        endedAt: 30_000,
      },
      { type: "user", platform: PLATFORM, user: "ada" },
    ]);
    expect(engine.view()?.status).toBe("idle");
    expect(engine.view()?.connections[0]?.isIdle).toBe(true);
  });

  it("shown again counts as input: online and a new active interval", () => {
    const engine = setup();
    engine.at(0).apply(connect({ page: page("/a", "math") }));
    engine.at(10_000).apply({ type: "visibility", key: key(), isVisible: false });
    engine.run(500_000, [key()]);
    const shown = engine.at(500_500).apply({ type: "visibility", key: key(), isVisible: true });
    expect(ofType(shown, "activeStarted")).toEqual([
      { type: "activeStarted", platform: PLATFORM, user: "ada", app: "math", startedAt: 500_500 },
    ]);
    expect(engine.view()?.status).toBe("online");
    expect(engine.view()?.connections[0]?.lastInputAt).toBe(500_500);
  });

  it("keeps a user with another visible tab online", () => {
    const engine = setup();
    engine.at(0).apply(connect({ tab: TAB_A }));
    engine.at(0).apply(connect({ tab: TAB_B }));
    const hidden = engine
      .at(1_000)
      .apply({ type: "visibility", key: key(TAB_A), isVisible: false });
    expect(hidden).toEqual([]);
    expect(engine.view()?.status).toBe("online");
  });
});

describe("idle by no input", () => {
  it("turns idle exactly at lastInputAt + idleMs and ends the interval then", () => {
    const engine = setup();
    engine.at(0).apply(connect({ page: page("/a", "math") }));
    engine.at(10_000).apply({ type: "input", key: key() });
    const before = engine.run(309_999, [key()]);
    expect(ofType(before, "activeEnded")).toHaveLength(0);
    expect(engine.view()?.status).toBe("online");

    const atIdle = engine.at(310_000).apply({ type: "tick" });
    expect(atIdle).toEqual([
      {
        type: "activeEnded",
        platform: PLATFORM,
        user: "ada",
        app: "math",
        startedAt: 0,
        endedAt: 310_000,
      },
      { type: "user", platform: PLATFORM, user: "ada" },
    ]);
    expect(engine.view()?.status).toBe("idle");
  });

  it("dates the end to the idle moment even when the tick comes late", () => {
    const engine = setup();
    engine.at(0).apply(connect());
    for (let t = 15_000; t < 300_000; t += 15_000) {
      engine.at(t).apply({ type: "heartbeat", key: key() });
    }
    const late = engine.at(304_000).apply({ type: "tick" });
    expect(ofType(late, "activeEnded")[0]?.endedAt).toBe(300_000);
    expect(engine.view()?.status).toBe("idle");
  });

  it("input brings the user back online with a new active interval", () => {
    const engine = setup();
    engine.at(0).apply(connect({ page: page("/a", "math") }));
    engine.run(400_000, [key()]);
    expect(engine.view()?.status).toBe("idle");
    const input = engine.at(400_500).apply({ type: "input", key: key() });
    expect(input).toEqual([
      { type: "activeStarted", platform: PLATFORM, user: "ada", app: "math", startedAt: 400_500 },
      { type: "user", platform: PLATFORM, user: "ada" },
    ]);
    expect(engine.view()?.status).toBe("online");
  });

  it("an input that arrives after the idle moment, before any tick, still splits the interval", () => {
    const engine = setup();
    engine.at(0).apply(connect({ transport: "http" }));
    for (let t = 40_000; t <= 280_000; t += 40_000) {
      engine.at(t).apply({ type: "heartbeat", key: key() });
    }
    const input = engine.at(310_000).apply({ type: "input", key: key() });
    expect(input.map((c) => c.type)).toEqual(["activeEnded", "activeStarted"]);
    expect(ofType(input, "activeEnded")[0]?.endedAt).toBe(300_000);
    expect(ofType(input, "activeStarted")[0]?.startedAt).toBe(310_000);
  });

  it("counts the input the tracker reported before connecting", () => {
    const engine = setup();
    engine.at(100_000).apply(connect({ inputAgoMs: 100_000 }));
    const changes = engine.run(300_000, [key()]);
    expect(ofType(changes, "activeEnded")[0]?.endedAt).toBe(300_000);
    expect(engine.view()?.status).toBe("idle");

    const stale = setup();
    stale.at(0).apply(connect({ inputAgoMs: rules.idleMs }));
    expect(stale.view()?.status).toBe("idle");
  });
});

describe("heartbeat timeout", () => {
  it("drops a silent WebSocket connection at 2 × heartbeat and ends its session at the last heartbeat", () => {
    const engine = setup();
    engine.at(0).apply(connect({ page: page("/a", "math") }));
    engine.at(10_000).apply({ type: "heartbeat", key: key() });
    engine.run(39_999);
    expect(engine.view()?.status).toBe("online");

    const dropped = engine.at(40_000).apply({ type: "tick" });
    expect(dropped).toEqual([
      {
        type: "activeEnded",
        platform: PLATFORM,
        user: "ada",
        app: "math",
        startedAt: 0,
        endedAt: 10_000,
      },
      {
        type: "visitEnded",
        platform: PLATFORM,
        user: "ada",
        tab: TAB_A,
        startedAt: 0,
        endedAt: 10_000,
      },
      { type: "user", platform: PLATFORM, user: "ada" },
    ]);
    expect(engine.view()).toMatchObject({ status: "offline", lastLiveAt: 10_000 });

    const ended = engine.run(130_000);
    expect(ofType(ended, "sessionEnded")).toEqual([
      { type: "sessionEnded", platform: PLATFORM, user: "ada", startedAt: 0, endedAt: 10_000 },
    ]);
  });

  it("drops a silent HTTP connection after httpLiveMs", () => {
    const engine = setup();
    engine.at(0).apply(connect({ transport: "http" }));
    engine.run(44_999);
    expect(engine.view()?.status).toBe("online");
    const dropped = engine.at(45_000).apply({ type: "tick" });
    expect(ofType(dropped, "visitEnded")[0]?.endedAt).toBe(0);
    expect(engine.view()?.status).toBe("offline");
    expect(ofType(engine.run(120_000), "sessionEnded")[0]?.endedAt).toBe(0);
  });

  it("shows a connection past its deadline as not live even before the tick drops it", () => {
    const engine = setup();
    engine.at(0).apply(connect());
    engine.at(30_000);
    expect(engine.view()).toMatchObject({ status: "offline", lastLiveAt: 0 });
    expect(engine.view()?.connections[0]?.isLive).toBe(false);
  });

  it("ignores a heartbeat of a connection already dropped, so the tracker has to say hello again", () => {
    const engine = setup();
    engine.at(0).apply(connect());
    engine.run(30_000);
    expect(engine.at(31_000).apply({ type: "heartbeat", key: key() })).toEqual([]);
    expect(hasConnection(engine.state, key())).toBe(false);
    expect(engine.view()?.status).toBe("offline");
  });

  it("drops a timed-out connection first when a late heartbeat arrives before the tick", () => {
    const engine = setup();
    engine.at(0).apply(connect());
    const late = engine.at(35_000).apply({ type: "heartbeat", key: key() });
    expect(ofType(late, "visitEnded")[0]?.endedAt).toBe(0);
    expect(hasConnection(engine.state, key())).toBe(false);
  });
});

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
