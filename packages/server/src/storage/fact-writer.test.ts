import { describe, expect, it } from "vitest";
import { FactWriter, ROWS_PER_WRITE, splitBatch } from "./fact-writer.js";
import { emptyFactBatch, type FactBatch, type Storage } from "./storage.js";

/** A storage that records batches and can be told to fail. */
function recordingStorage() {
  const batches: FactBatch[] = [];
  let failing = false;
  const storage = {
    writeFacts: async (batch: FactBatch) => {
      if (failing) throw new Error("database is down");
      batches.push(batch);
    },
  } as unknown as Storage;
  return { storage, batches, setFailing: (value: boolean) => (failing = value) };
}

const event = (id: string) => ({
  platform: "p",
  id,
  user: "u",
  name: "message",
  app: null,
  ts: 1,
  props: null,
});
const visit = {
  type: "visitEnded" as const,
  platform: "p",
  user: "u",
  tab: "t",
  startedAt: 1,
  endedAt: 2,
};

describe("splitBatch", () => {
  it("cuts presence facts into parts in the adapters' order, events all in the first", () => {
    const batch = emptyFactBatch();
    batch.events = [event("a"), event("b")];
    batch.sessionsStarted = Array.from({ length: 1_500 }, (_, i) => ({
      platform: "p",
      user: `u${i}`,
      startedAt: 1,
    }));
    batch.visitsEnded = Array.from({ length: 1_000 }, (_, i) => ({ ...visit, tab: `t${i}` }));
    batch.activeSeen = [{ platform: "p", user: "u", app: null, at: 3 }];
    const parts = splitBatch(batch, 2_000);
    expect(
      parts.map((p) => [
        p.events.length,
        p.sessionsStarted.length,
        p.visitsEnded.length,
        p.activeSeen.length,
      ]),
    ).toEqual([
      [2, 1_500, 500, 0],
      [0, 0, 500, 1],
    ]);
    expect(parts.flatMap((p) => p.visitsEnded)).toEqual(batch.visitsEnded);
    expect(splitBatch(emptyFactBatch(), 10)).toHaveLength(1);
  });
});

describe("FactWriter", () => {
  it("writes thousands of still-live rows in parts, events acknowledged with the first", async () => {
    const { storage, batches } = recordingStorage();
    const writer = new FactWriter(storage, {
      flushEveryMs: 60_000,
      maxPending: 100_000,
      onError: () => {},
    });
    const seen = Array.from({ length: 2 * ROWS_PER_WRITE + 500 }, (_, i) => ({
      platform: "p",
      user: `u${i}`,
      startedAt: 1,
      at: 2,
    }));
    writer.addSessionsSeen(seen);
    await writer.addEvents([event("a")]);
    expect(batches).toHaveLength(1);
    expect(batches[0]?.events.map((e) => e.id)).toEqual(["a"]);
    await writer.flush();
    expect(batches.map((b) => b.sessionsSeen.length)).toEqual([
      ROWS_PER_WRITE,
      ROWS_PER_WRITE,
      500,
    ]);
    expect(batches.flatMap((b) => b.sessionsSeen)).toEqual(seen);
  });

  it("commits events at the next turn, grouping what arrived together, without waiting for the timer", async () => {
    const { storage, batches } = recordingStorage();
    const writer = new FactWriter(storage, {
      flushEveryMs: 60_000,
      maxPending: 1000,
      onError: () => {},
    });
    await Promise.all([writer.addEvents([event("a")]), writer.addEvents([event("b")])]);
    expect(batches).toHaveLength(1);
    expect(batches[0]!.events.map((e) => e.id)).toEqual(["a", "b"]);
  });

  it("refuses events while storage fails, keeps presence facts and writes them once it is back", async () => {
    const { storage, batches, setFailing } = recordingStorage();
    const writer = new FactWriter(storage, {
      flushEveryMs: 60_000,
      maxPending: 1000,
      onError: () => {},
    });
    setFailing(true);
    writer.addChanges([visit]);
    await expect(writer.addEvents([event("a")])).rejects.toThrow("database is down");
    setFailing(false);
    await writer.flush();
    expect(batches).toHaveLength(1);
    expect(batches[0]!.visitsEnded).toHaveLength(1);
    expect(batches[0]!.events).toHaveLength(0);
  });

  it("says it is failing until a write succeeds, and retries at once when told storage is back", async () => {
    const { storage, batches, setFailing } = recordingStorage();
    const writer = new FactWriter(storage, {
      flushEveryMs: 60_000,
      maxPending: 1000,
      onError: () => {},
    });
    setFailing(true);
    writer.addChanges([visit]);
    await writer.flush();
    expect(writer.isFailing()).toBe(true);
    setFailing(false);
    writer.retryNow();
    await writer.flush();
    expect(writer.isFailing()).toBe(false);
    expect(batches).toHaveLength(1);
  });

  it("is healthy again on retry when only refused events had failed (nothing is left to write)", async () => {
    const { storage, batches, setFailing } = recordingStorage();
    const writer = new FactWriter(storage, {
      flushEveryMs: 60_000,
      maxPending: 1000,
      onError: () => {},
    });
    setFailing(true);
    await expect(writer.addEvents([event("a")])).rejects.toThrow("database is down");
    expect(writer.isFailing()).toBe(true);
    setFailing(false);
    writer.retryNow();
    expect(writer.isFailing()).toBe(false);
    expect(batches).toHaveLength(0);
  });

  it("says it is behind while facts pile up past maxBacklog during a write, and not while writes fail", async () => {
    const { storage, batches, setFailing } = recordingStorage();
    let open: () => void = () => {};
    let isGated = true;
    const gated = {
      writeFacts: async (batch: FactBatch) => {
        if (isGated) await new Promise<void>((resolve) => (open = resolve));
        await storage.writeFacts(batch);
      },
    } as unknown as Storage;
    const writer = new FactWriter(gated, {
      flushEveryMs: 60_000,
      maxPending: 10,
      maxBacklog: 100,
      onError: () => {},
    });
    const said: boolean[] = [];
    writer.onBacklog((isBehind) => said.push(isBehind));
    const visits = (n: number) => Array.from({ length: n }, (_, i) => ({ ...visit, tab: `t${i}` }));
    writer.addChanges(visits(10));
    const first = writer.flush();
    writer.addChanges(visits(99));
    expect(said).toEqual([]);
    writer.addChanges(visits(1));
    writer.addChanges(visits(50));
    expect(said).toEqual([true]);
    open();
    await first;
    expect(said).toEqual([true]);
    await new Promise((resolve) => setImmediate(resolve));
    // The next write has taken the 150 that waited: caught up.
    expect(said).toEqual([true, false]);
    open();
    await writer.flush();
    expect(batches.map((b) => b.visitsEnded.length)).toEqual([10, 150]);

    // Behind when the write in progress fails: not behind any more (presence goes on).
    setFailing(true);
    writer.addChanges(visits(1));
    const failing = writer.flush();
    writer.addChanges(visits(100));
    expect(said).toEqual([true, false, true]);
    open();
    await failing;
    expect(said).toEqual([true, false, true, false]);
    const retry = writer.flush();
    writer.addChanges(visits(500));
    expect(said).toEqual([true, false, true, false]);
    setFailing(false);
    isGated = false;
    open();
    await retry;
    await writer.close();
    expect(said).toEqual([true, false, true, false]);
  });

  it("drops what arrives after close instead of writing to a closed store", async () => {
    const { storage, batches } = recordingStorage();
    const writer = new FactWriter(storage, { flushEveryMs: 10, maxPending: 1, onError: () => {} });
    await writer.close();
    writer.addChanges([visit, visit]);
    writer.addSessionsSeen([{ platform: "p", user: "u", startedAt: 1, at: 2 }]);
    await expect(writer.addEvents([event("a")])).rejects.toThrow("closed");
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(batches).toHaveLength(0);
  });
});
