import type { ServerResponse } from "node:http";
import type { PresenceSummary, PresenceUser } from "@rollcall/protocol";
import { afterEach, describe, expect, it } from "vitest";
import type { PresenceBoard } from "../presence/presence-board.js";
import { PresenceFeed } from "./presence-feed.js";

/** A board whose online count the test sets, and a response that keeps what was written. */
function setup() {
  let online = 0;
  const board = {
    freshSummary: async () => summary(online),
    summary: () => summary(online),
    rows: () => [],
    row: (_platform: string, user: string) => ({ id: user }) as PresenceUser,
  } as unknown as PresenceBoard;
  const frames: string[] = [];
  const res = {
    writableLength: 0,
    writeHead: () => undefined,
    write: (frame: string) => frames.push(frame),
    on: () => undefined,
    end: () => undefined,
  } as unknown as ServerResponse;
  const feed = new PresenceFeed(board, {
    coalesceMs: 20,
    summaryEveryMs: 100,
    maxBufferedBytes: 1_000_000,
    keepAliveMs: 60_000,
    clock: Date.now,
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
  return { feed, res, changes, setOnline: (n: number) => (online = n) };
}

function summary(online: number): PresenceSummary {
  return { totalUsers: 10, online, idle: 0, offline: 10 - online, avgSessionSeconds: 0 };
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let cleanup: () => void = () => undefined;
afterEach(() => cleanup());

describe("PresenceFeed", () => {
  it("sends a change at once when quiet, and coalesces what follows within the window", async () => {
    const { feed, res, changes } = setup();
    cleanup = () => feed.close();
    await feed.subscribe("p", res);
    feed.markChanged("p", "a");
    await wait(5);
    expect(changes().map((c) => c.upserts.map((u) => u.id))).toEqual([["a"]]);
    feed.markChanged("p", "b");
    feed.markChanged("p", "c");
    await wait(40);
    expect(changes().map((c) => c.upserts.map((u) => u.id))).toEqual([["a"], ["b", "c"]]);
  });

  it("corrects a reused summary once it may be recomputed, even when nothing else changes", async () => {
    const { feed, res, changes, setOnline } = setup();
    cleanup = () => feed.close();
    await feed.subscribe("p", res);
    setOnline(1);
    feed.markChanged("p", "a");
    await wait(30);
    setOnline(2);
    feed.markChanged("p", "b");
    await wait(5);
    expect(changes().at(-1)?.summary.online).toBe(1);
    await wait(150);
    expect(changes().at(-1)?.summary.online).toBe(2);
  });
});

describe("PresenceFeed while a summary correction is pending", () => {
  it("does not hold a new change back until the correction is due", async () => {
    const { feed, res, changes } = setup();
    cleanup = () => feed.close();
    await feed.subscribe("p", res);
    feed.markChanged("p", "a");
    await wait(25);
    feed.markChanged("p", "b"); // goes out with a reused summary: a correction is now pending
    await wait(25);
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
