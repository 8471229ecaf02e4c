// The presence engine driven by a hand-moved clock: hidden tabs, idle by no input, silent tabs.
import { describe, expect, it } from "vitest";
import {
  connect,
  key,
  PLATFORM,
  page,
  rules,
  setup,
  TAB_A,
  TAB_B,
} from "../../testing/engine-clock.js";
import { ofType } from "../../testing/presence-changes.js";
import { hasConnection } from "./engine.js";

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
