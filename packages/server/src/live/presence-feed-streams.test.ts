// The presence feed over HTTP: one stream per viewer, each written as its socket drains, and a
// real socket's dashboard reading snapshots and changes, gzip-compressed or not.
import { createServer, get, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createGunzip } from "node:zlib";
import type { PresenceSummary, PresenceUser } from "@rollcall/protocol";
import { afterEach, describe, expect, it } from "vitest";
import type { PresenceBoard } from "../presence/read-model/presence-board.js";
import { PresenceFeed, SNAPSHOT_SLICE } from "./presence-feed.js";

function summary(online: number): PresenceSummary {
  return { totalUsers: 10, online, idle: 0, offline: 10 - online, avgSessionSeconds: 0 };
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let cleanup: () => void = () => undefined;
afterEach(() => cleanup());

/** A real HTTP server whose every request subscribes to `feed`, and a dashboard reading from it. */
/** `onSubscribe`: runs as soon as a dashboard's subscribe() is called, before it settles. */
async function serveFeed(
  feed: PresenceFeed,
  {
    gzip = false,
    onSubscribe = () => undefined,
  }: { gzip?: boolean; onSubscribe?: () => void } = {},
) {
  const responses: ServerResponse[] = [];
  /** Resolve once each dashboard's snapshot is written (not yet sent). */
  const subscriptions: Promise<boolean>[] = [];
  const server = createServer((_req, res) => {
    responses.push(res);
    subscriptions.push(feed.subscribe("p", "viewer", res, gzip ? "gzip" : "identity"));
    onSubscribe();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const dashboard = await new Promise<IncomingMessage>((resolve, reject) =>
    get({ host: "127.0.0.1", port, path: "/stream" }, resolve).on("error", reject),
  );
  const body = gzip ? dashboard.pipe(createGunzip()) : dashboard;
  body.setEncoding("utf8");
  let received = "";
  let isEnded = false;
  body.on("data", (chunk: string) => {
    received += chunk;
  });
  dashboard.on("close", () => {
    isEnded = true;
  });
  dashboard.on("error", () => undefined);
  /** Whole events received so far (the text after the last blank line is not one yet). */
  const events = () =>
    received
      .split("\n\n")
      .slice(0, -1)
      .map((block) => /^event: (\w+)\ndata: (.*)$/m.exec(block))
      .filter((m) => m !== null)
      .map((m) => ({ event: m[1]!, data: JSON.parse(m[2]!) as Record<string, unknown> }));
  const eventCount = () => received.match(/\n\n/g)?.length ?? 0;
  const close = () => {
    dashboard.destroy();
    server.closeAllConnections();
    server.close();
  };
  return {
    received: () => received,
    responses,
    subscriptions,
    dashboard,
    body,
    events,
    eventCount,
    isEnded: () => isEnded,
    close,
  };
}

// Generous: it returns once the condition holds, and a busy machine may take seconds to get there.
async function until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await wait(5);
  }
}

function row(id: string, pathBytes: number): PresenceUser {
  return { id, currentPage: { path: `/${"x".repeat(pathBytes)}` } } as unknown as PresenceUser;
}

describe("PresenceFeed streams per viewer", () => {
  /** A response that runs its close listeners when the test says the dashboard left. */
  const fakeResponse = () => {
    const onClose: (() => void)[] = [];
    const res = {
      writableLength: 0,
      writeHead: () => undefined,
      write: () => true,
      on: (event: string, listener: () => void) => event === "close" && onClose.push(listener),
      once: (event: string, listener: () => void) => event === "close" && onClose.push(listener),
      end: () => undefined,
    } as unknown as ServerResponse;
    const leave = () => {
      for (const listener of onClose.splice(0)) listener();
    };
    return { res, leave };
  };

  it("refuses a viewer's stream over the cap until one of theirs closes; other viewers are not counted", async () => {
    const capped = new PresenceFeed(
      {
        freshSummary: async () => summary(0),
        summary: () => summary(0),
        isAverageSettling: () => false,
        userIds: () => [],
        row: () => null,
      } as unknown as PresenceBoard,
      {
        coalesceMs: 1,
        summaryEveryMs: 0,
        maxBufferedBytes: 1_000_000,
        keepAliveMs: 60_000,
        clock: Date.now,
        maxStreamsPerViewer: 3,
      },
    );
    cleanup = () => capped.close();
    const streams = [fakeResponse(), fakeResponse(), fakeResponse()];
    for (const { res } of streams) expect(await capped.subscribe("p", "ann", res)).toBe(true);
    expect(await capped.subscribe("p", "ann", fakeResponse().res)).toBe(false);
    expect(capped.streamsOf("p", "ann")).toBe(3);
    // Another viewer, and the same viewer id on another platform, have their own count.
    expect(await capped.subscribe("p", "bob", fakeResponse().res)).toBe(true);
    expect(await capped.subscribe("q", "ann", fakeResponse().res)).toBe(true);
    streams[0]!.leave();
    expect(capped.streamsOf("p", "ann")).toBe(2);
    expect(await capped.subscribe("p", "ann", fakeResponse().res)).toBe(true);
  });
});

describe("PresenceFeed over a real socket", () => {
  const limit = 1_048_576;
  /** `rows`: the registered users (a Map the test may change); others get `changedRow`. */
  const makeFeed = (
    rows: PresenceUser[] | Map<string, PresenceUser>,
    changedRow: (id: string) => PresenceUser | null,
  ) => {
    const byId = rows instanceof Map ? rows : new Map(rows.map((r) => [r.id, r]));
    return new PresenceFeed(
      {
        freshSummary: async () => summary(0),
        summary: () => summary(0),
        isAverageSettling: () => false,
        userIds: () => [...byId.keys()],
        row: (_platform: string, user: string) => byId.get(user) ?? changedRow(user),
      } as unknown as PresenceBoard,
      {
        coalesceMs: 1,
        summaryEveryMs: 0, // every change carries a fresh summary: no corrections in between
        maxBufferedBytes: limit,
        keepAliveMs: 60_000,
        clock: Date.now,
      },
    );
  };

  it("gives a dashboard a snapshot larger than the buffer limit whole, then the changes queued behind it", async () => {
    // ~16 MB: more than loopback's socket buffers take, so most of it waits in the server.
    const rows = Array.from({ length: 4_000 }, (_, i) => row(`u${i}`, 4_000));
    const feed = makeFeed(rows, (id) => row(id, 10));
    const stream = await serveFeed(feed);
    cleanup = () => {
      feed.close();
      stream.close();
    };
    stream.dashboard.pause();
    await stream.subscriptions[0];
    expect(stream.responses[0]?.writableLength).toBeGreaterThan(2 * limit);
    feed.markChanged("p", "a");
    await wait(10);
    feed.markChanged("p", "b");
    await wait(10);
    expect(feed.clientCount()).toBe(1);
    stream.dashboard.resume();
    await until(() => stream.eventCount() === 3, "the snapshot and two changes");
    const [snapshot, ...changes] = stream.events();
    expect(snapshot?.event).toBe("snapshot");
    expect((snapshot?.data.users as unknown[] | undefined)?.length).toBe(4_000);
    expect(changes.map((c) => (c.data.upserts as { id: string }[]).map((u) => u.id))).toEqual([
      ["a"],
      ["b"],
    ]);
    expect(stream.isEnded()).toBe(false);
  });

  it("drops a dashboard that stops reading once its changes pile up past the limit", async () => {
    const feed = makeFeed([row("u0", 10)], (id) => row(id, 100_000));
    const stream = await serveFeed(feed);
    cleanup = () => {
      feed.close();
      stream.close();
    };
    await until(() => stream.eventCount() === 1, "the snapshot");
    stream.dashboard.pause();
    // Each change is ~100 KB; the socket's buffers fill, then the server's past the limit.
    for (let i = 0; i < 2_000 && feed.clientCount() > 0; i++) {
      feed.markChanged("p", `u${i}`);
      await wait(2);
    }
    expect(feed.clientCount()).toBe(0);
    stream.dashboard.resume();
    await until(stream.isEnded, "the server to close the stream");
  });

  it("writes a large snapshot in slices, letting other work run, and sends what changed meanwhile right after it", async () => {
    const users = 3 * SNAPSHOT_SLICE + 10;
    const rows = new Map(Array.from({ length: users }, (_, i) => [`u${i}`, row(`u${i}`, 10)]));
    const feed = makeFeed(rows, () => null);
    let ranDuringSnapshot = false;
    const stream = await serveFeed(feed, {
      // Runs after the first slice, before the next: the event loop is not held.
      onSubscribe: () =>
        setImmediate(() => {
          ranDuringSnapshot = true;
          rows.set("u0", row("u0", 20)); // already written: must be sent again
          feed.markChanged("p", "u0");
          rows.delete("u1"); // erased after its row went out
          feed.markRemoved("p", "u1");
          rows.delete(`u${users - 1}`); // erased before its row was written
          feed.markRemoved("p", `u${users - 1}`);
        }),
    });
    cleanup = () => {
      feed.close();
      stream.close();
    };
    void stream.subscriptions[0]?.then(() => expect(ranDuringSnapshot).toBe(true));
    await until(() => stream.eventCount() >= 2, "the snapshot and a change");
    const received = stream.received();
    const [snapshotBlock, changeBlock] = received.split("\n\n");
    const snapshot = JSON.parse(/^data: (.*)$/m.exec(snapshotBlock!)![1]!) as {
      seq: number;
      users: PresenceUser[];
    };
    const change = JSON.parse(/^data: (.*)$/m.exec(changeBlock!)![1]!) as {
      seq: number;
      upserts: PresenceUser[];
      removes: string[];
    };
    expect(ranDuringSnapshot).toBe(true);
    expect(snapshot.users).toHaveLength(users - 1);
    expect(new Set(snapshot.users.map((u) => u.id)).size).toBe(users - 1);
    expect(snapshot.users.find((u) => u.id === "u0")?.currentPage?.path).toHaveLength(11);
    expect(change.seq).toBe(snapshot.seq + 1);
    expect(change.upserts.map((u) => [u.id, u.currentPage?.path.length])).toEqual([["u0", 21]]);
    expect(change.removes.sort()).toEqual(["u1", `u${users - 1}`].sort());
  });

  it("compresses the stream with gzip and flushes every event at once", async () => {
    const rows = Array.from({ length: 2 * SNAPSHOT_SLICE }, (_, i) => row(`u${i}`, 200));
    const feed = makeFeed(rows, (id) => row(id, 10));
    const stream = await serveFeed(feed, { gzip: true });
    cleanup = () => {
      feed.close();
      stream.close();
    };
    expect(stream.dashboard.headers["content-encoding"]).toBe("gzip");
    let compressed = 0;
    stream.dashboard.on("data", (chunk: Buffer) => {
      compressed += chunk.length;
    });
    await until(() => stream.eventCount() === 1, "the snapshot");
    feed.markChanged("p", "a");
    // The change arrives on its own: the compressor did not hold it back for more input.
    await until(() => stream.eventCount() === 2, "the change");
    const [snapshot, change] = stream.events();
    expect((snapshot?.data.users as unknown[] | undefined)?.length).toBe(2 * SNAPSHOT_SLICE);
    expect((change?.data.upserts as { id: string }[] | undefined)?.map((u) => u.id)).toEqual(["a"]);
    expect(compressed).toBeLessThan((JSON.stringify(rows).length * 1) / 10);
    expect(stream.isEnded()).toBe(false);
  });
});
