// The presence engine driven by a hand-moved clock: connecting, tabs, reloads and leaving.
import { describe, expect, it } from "vitest";
import { connect, key, PLATFORM, page, setup, TAB_A, TAB_B } from "../../testing/engine-clock.js";
import { ofType } from "../../testing/presence-changes.js";
import { hasConnection, listUserViews, openSessions } from "./engine.js";

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
