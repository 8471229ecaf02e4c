// The presence feed on a board and a response held in memory: what it sends each viewer and
// when, and a summary correction that is still pending.
import type { ServerResponse } from "node:http";
import type { PresenceSummary, PresenceUser } from "@rollcall/protocol";
import { afterEach, describe, expect, it } from "vitest";
import type { PresenceBoard } from "../presence/read-model/presence-board.js";
import { PresenceFeed } from "./presence-feed.js";

/**
 * A board whose online count the test sets, and a response that keeps what was written. The
 * feed's timers are real; its clock may be moved by hand, so that what it decides from the time
 * (a summary still fresh enough to reuse) does not depend on how fast the machine is.
 */
function setup(clock: () => number = Date.now) {
  let online = 0;
  let average = 0;
  let isSettling = false;
  const board = {
    freshSummary: async () => summary(online, average),
    summary: () => summary(online, average),
    isAverageSettling: () => isSettling,
    userIds: () => [],
    row: (_platform: string, user: string) => ({ id: user }) as PresenceUser,
  } as unknown as PresenceBoard;
  const frames: string[] = [];
  const res = {
    writableLength: 0,
    writeHead: () => undefined,
    write: (frame: string) => frames.push(frame),
    on: () => undefined,
    once: () => undefined,
    end: () => undefined,
  } as unknown as ServerResponse;
  const feed = new PresenceFeed(board, {
    coalesceMs: 20,
    summaryEveryMs: 100,
    maxBufferedBytes: 1_000_000,
    keepAliveMs: 60_000,
    clock,
  });
  const changes = () =>
    frames
      .filter((f) => f.startsWith("event: change"))
      .map(
        (f) =>
          JSON.parse(f.split("data: ")[1]!) as {
            upserts: { id: string }[];
            summary: PresenceSummary;
          },
      );
  return {
    feed,
    res,
    changes,
    setOnline: (n: number) => (online = n),
    /** The board's average, and whether it is still being read again. */
    setAverage: (seconds: number, settling: boolean) => {
      average = seconds;
      isSettling = settling;
    },
  };
}

function summary(online: number, avgSessionSeconds = 0): PresenceSummary {
  return { totalUsers: 10, online, idle: 0, offline: 10 - online, avgSessionSeconds };
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let cleanup: () => void = () => undefined;
afterEach(() => cleanup());

describe("PresenceFeed", () => {
  it("sends a change at once when quiet, and coalesces what follows within the window", async () => {
    const { feed, res, changes } = setup();
    cleanup = () => feed.close();
    await feed.subscribe("p", "viewer", res);
    feed.markChanged("p", "a");
    await wait(5);
    expect(changes().map((c) => c.upserts.map((u) => u.id))).toEqual([["a"]]);
    feed.markChanged("p", "b");
    feed.markChanged("p", "c");
    await wait(40);
    expect(changes().map((c) => c.upserts.map((u) => u.id))).toEqual([["a"], ["b", "c"]]);
  });

  it("corrects a reused summary once it may be recomputed, even when nothing else changes", async () => {
    let now = 1_000_000;
    const { feed, res, changes, setOnline } = setup(() => now);
    cleanup = () => feed.close();
    await feed.subscribe("p", "viewer", res);
    setOnline(1);
    feed.markChanged("p", "a");
    await wait(30);
    now += 30;
    setOnline(2);
    feed.markChanged("p", "b");
    await wait(5);
    expect(changes().at(-1)?.summary.online).toBe(1);
    // The correction's timer (70 ms) runs before this wait ends, on the clock moved past 100 ms.
    now += 120;
    await wait(150);
    expect(changes().at(-1)?.summary.online).toBe(2);
  });

  it("sends the average again once the board has read it anew after a session came or went", async () => {
    const { feed, res, changes, setAverage } = setup();
    cleanup = () => feed.close();
    await feed.subscribe("p", "viewer", res);
    // Ada's session starts: her change goes out while the board still reads the average.
    setAverage(0, true);
    feed.markChanged("p", "ada");
    await wait(5);
    expect(changes().at(-1)?.summary.avgSessionSeconds).toBe(0);
    setAverage(40, false);
    // Nothing else changes; the correction comes by itself (polled, for a busy machine).
    for (let waited = 0; waited < 5_000 && changes().at(-1)?.summary.avgSessionSeconds !== 40; ) {
      await wait(50);
      waited += 50;
    }
    expect(changes().at(-1)?.summary.avgSessionSeconds).toBe(40);
    expect(changes().at(-1)?.upserts).toEqual([]);
    // Settled: no more corrections.
    const sent = changes().length;
    await wait(300);
    expect(changes().length).toBe(sent);
  });
});

describe("PresenceFeed while a summary correction is pending", () => {
  it("does not hold a new change back until the correction is due", async () => {
    let now = 1_000_000;
    const { feed, res, changes } = setup(() => now);
    cleanup = () => feed.close();
    await feed.subscribe("p", "viewer", res);
    feed.markChanged("p", "a");
    await wait(25);
    now += 25;
    feed.markChanged("p", "b"); // goes out with a reused summary: a correction is now pending
    await wait(25);
    now += 25;
    const before = changes().length;
    feed.markChanged("p", "c");
    await wait(10);
    expect(changes().length).toBe(before + 1);
    expect(
      changes()
        .at(-1)
        ?.upserts.map((u) => u.id),
    ).toEqual(["c"]);
  });
});
