// The Avg session figure the board gives follows sessions that start or end between its 5 s reads.
import pino from "pino";
import { describe, expect, it } from "vitest";
import type { FactWriter } from "../../storage/fact-writer.js";
import type { Storage } from "../../storage/storage.js";
import { UserDirectory } from "../../users/user-directory.js";
import { PresenceService } from "../presence-service.js";
import { MemoryPresenceStore } from "../store/memory-presence-store.js";
import { PresenceBoard } from "./presence-board.js";

const T0 = 1_800_000_000_000;

function setup() {
  let now = T0;
  const writer = {
    addChanges: () => undefined,
    addSessionsSeen: () => undefined,
    addActiveSeen: () => undefined,
  } as unknown as FactWriter;
  const directory = new UserDirectory();
  const presence = new PresenceService({
    store: new MemoryPresenceStore({
      heartbeatMs: 600_000,
      httpLiveMs: 600_000,
      idleMs: 600_000,
      graceMs: 1_200_000,
    }),
    clock: () => now,
    writer,
    directory,
    logger: pino({ level: "silent" }),
    tickMs: 250,
    persistSeenMs: 60_000,
  });
  // No session ended in the last day: the average is the open sessions'.
  const storage = { sessionsEndedSince: async () => [] } as unknown as Storage;
  const board = new PresenceBoard(presence, directory, storage);
  const connect = (user: string) => {
    directory.upsert("p", { id: user, name: user, email: "", role: "student" }, now);
    presence.handle({
      type: "connect",
      key: { platform: "p", user, tab: `${user}-tab` },
      transport: "ws",
      page: { path: "/", title: "Home", app: null },
      isVisible: true,
    });
  };
  return { board, connect, at: (ms: number) => (now = T0 + ms) };
}

describe("PresenceBoard's average session", () => {
  it("reads the average again soon after a session starts, not 5 s later, and says it is settling meanwhile", async () => {
    const { board, connect, at } = setup();
    board.summary("p"); // the first read: nobody yet
    expect((await board.freshSummary("p")).avgSessionSeconds).toBe(0);
    expect(board.isAverageSettling("p")).toBe(false);

    at(200);
    connect("ada");
    // Read 0.2 s ago: too soon to read again, but the feed is told a correction is coming.
    expect(board.isAverageSettling("p")).toBe(true);
    expect(board.summary("p").avgSessionGrowth).toBe(0);

    // 1.5 s after the read, before its 5 s are up: the session's start has the board read again.
    at(1_500);
    board.summary("p");
    await new Promise((resolve) => setImmediate(resolve));
    const after = board.summary("p");
    expect(after.avgSessionGrowth).toBe(1);
    expect(after.avgSessionSeconds).toBe(1);
    expect(board.isAverageSettling("p")).toBe(false);
  });
});
