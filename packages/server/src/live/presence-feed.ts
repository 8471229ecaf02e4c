// Pushes Connected users to dashboards over SSE: one snapshot, then coalesced change events.
import type { ServerResponse } from "node:http";
import type {
  PresenceChangeEvent,
  PresenceSnapshotEvent,
  PresenceSummary,
  PresenceUser,
} from "@rollcall/protocol";
import type { PresenceBoard } from "../presence/read-model/presence-board.js";
import { type SseEncoding, SseSink } from "./sse-sink.js";

export interface PresenceFeedOptions {
  /**
   * At most one change event per this many milliseconds per platform: a change goes out at once
   * when the feed is quiet, and changes arriving while it waits go out together.
   */
  coalesceMs: number;
  /** The summary (it counts every live user) is recomputed at most this often. */
  summaryEveryMs: number;
  /**
   * A dashboard that stops reading is dropped once this much waits in its buffer beyond its
   * snapshot (a snapshot of 100,000 users is tens of megabytes: it is not counted until drained).
   */
  maxBufferedBytes: number;
  keepAliveMs: number;
  clock: () => number;
  /** Streams one viewer may hold open on a platform at once; STREAMS_PER_VIEWER by default. */
  maxStreamsPerViewer?: number;
  /** Told the bytes of each write to a stream, as sent (compressed or not), for /metrics. */
  onBytesSent?: (bytes: number) => void;
}

/**
 * Each dashboard tab holds one stream (a browser opens at most 6 connections to a host over
 * HTTP/1.1, more through an HTTP/2 proxy); each may buffer up to maxBufferedBytes. A further one
 * is refused, not an older one dropped: the dropped tab would reconnect and drop the next, in turn.
 */
export const STREAMS_PER_VIEWER = 10;

/** Users per slice of a snapshot; ~3 ms of the event loop each. */
export const SNAPSHOT_SLICE = 1_000;

/** One dashboard's stream. */
interface FeedClient {
  sink: SseSink;
  /**
   * While its snapshot is being written: the users changed and removed meanwhile, sent in the
   * first change after it; null once it is written, and changes go to it as to every dashboard.
   */
  catchUp: { changed: Set<string>; removed: Set<string> } | null;
  /** Bytes of its snapshot still buffered, allowed beyond maxBufferedBytes: 0 once drained. */
  snapshotAllowance: number;
}

interface PlatformFeed {
  platform: string;
  clients: Map<ServerResponse, FeedClient>;
  dirty: Set<string>;
  removed: Set<string>;
  seq: number;
  /** Cancels the pending flush; null when none is. */
  cancelFlush: (() => void) | null;
  /** When the pending flush runs. */
  flushAt: number;
  lastFlushAt: number;
  summary: PresenceSummary | null;
  summaryAt: number;
  /** A change went out with a reused summary: a fresh one is owed. */
  isSummaryOwed: boolean;
}

export class PresenceFeed {
  private readonly feeds = new Map<string, PlatformFeed>();
  private readonly keepAliveTimer: NodeJS.Timeout;
  /** Open streams per platform and viewer. */
  private readonly streamsPerViewer = new Map<string, number>();
  readonly maxStreamsPerViewer: number;

  constructor(
    private readonly board: PresenceBoard,
    private readonly options: PresenceFeedOptions,
  ) {
    this.keepAliveTimer = setInterval(() => this.keepAlive(), options.keepAliveMs);
    this.keepAliveTimer.unref();
    this.maxStreamsPerViewer = options.maxStreamsPerViewer ?? STREAMS_PER_VIEWER;
  }

  /**
   * Starts an SSE stream on `res` for the platform: the snapshot, then changes. The snapshot is
   * built and written SNAPSHOT_SLICE users at a time, a turn of the event loop between slices
   * (100,000 users in one piece held it ~350 ms: every tab and request waited); what changes
   * meanwhile goes out in the first change after it, with the seq the snapshot ends on.
   * False, with nothing written, when `viewer` already holds maxStreamsPerViewer streams on it.
   */
  async subscribe(
    platform: string,
    viewer: string,
    res: ServerResponse,
    encoding: SseEncoding = "identity",
  ): Promise<boolean> {
    const slot = [platform, viewer].join("\u0000");
    const open = this.streamsPerViewer.get(slot) ?? 0;
    if (open >= this.maxStreamsPerViewer) return false;
    this.streamsPerViewer.set(slot, open + 1);
    res.once("close", () => {
      const left = (this.streamsPerViewer.get(slot) ?? 1) - 1;
      if (left > 0) this.streamsPerViewer.set(slot, left);
      else this.streamsPerViewer.delete(slot);
    });
    const feed = this.feedOf(platform);
    await this.board.freshSummary(platform);
    const sink = new SseSink(res, encoding, this.options.onBytesSent);
    const client: FeedClient = {
      sink,
      catchUp: { changed: new Set(), removed: new Set() },
      snapshotAllowance: 0,
    };
    feed.clients.set(res, client);
    res.on("close", () => feed.clients.delete(res));
    // One `data:` line written in pieces; the keys after the users say when the snapshot ends.
    sink.write('retry: 2000\nevent: snapshot\ndata: {"users":[');
    if (!(await this.writeRows(feed, res, client))) return true;
    const tail: Omit<PresenceSnapshotEvent, "users"> = {
      updatedAt: new Date(this.options.clock()).toISOString(),
      seq: feed.seq,
      summary: this.board.summary(platform),
    };
    sink.write(`],${JSON.stringify(tail).slice(1)}\n\n`, () => {
      client.snapshotAllowance = 0;
    });
    // Its snapshot alone may be over the limit; changes queue behind it until it has drained.
    client.snapshotAllowance = sink.bufferedBytes();
    const { changed, removed } = client.catchUp ?? { changed: [], removed: [] };
    client.catchUp = null;
    for (const user of changed) feed.dirty.add(user);
    for (const user of removed) feed.removed.add(user);
    if (feed.dirty.size > 0 || feed.removed.size > 0) this.schedule(feed, 0);
    return true;
  }

  /**
   * Every registered user's row, SNAPSHOT_SLICE at a time with a turn of the event loop between;
   * false if the dashboard left meanwhile.
   */
  private async writeRows(
    feed: PlatformFeed,
    res: ServerResponse,
    client: FeedClient,
  ): Promise<boolean> {
    const users = this.board.userIds(feed.platform);
    let hasRows = false;
    for (let from = 0; from < users.length; from += SNAPSHOT_SLICE) {
      if (from > 0) {
        await new Promise((resolve) => setImmediate(resolve));
        if (!feed.clients.has(res) || client.sink.isEnded()) return false;
      }
      const rows: PresenceUser[] = [];
      for (const user of users.slice(from, from + SNAPSHOT_SLICE)) {
        const row = this.board.row(feed.platform, user);
        if (row) rows.push(row);
      }
      if (rows.length === 0) continue;
      client.sink.write(`${hasRows ? "," : ""}${JSON.stringify(rows).slice(1, -1)}`);
      hasRows = true;
    }
    return true;
  }

  markChanged(platform: string, user: string): void {
    const feed = this.feeds.get(platform);
    if (!feed || feed.clients.size === 0) return;
    feed.dirty.add(user);
    this.schedule(feed, 0);
  }

  markRemoved(platform: string, user: string): void {
    const feed = this.feeds.get(platform);
    if (!feed || feed.clients.size === 0) return;
    feed.removed.add(user);
    this.schedule(feed, 0);
  }

  close(): void {
    clearInterval(this.keepAliveTimer);
    for (const feed of this.feeds.values()) {
      feed.cancelFlush?.();
      feed.cancelFlush = null;
      for (const client of feed.clients.values()) client.sink.end();
      feed.clients.clear();
    }
  }

  /** Streams `viewer` holds open on `platform`. */
  streamsOf(platform: string, viewer: string): number {
    return this.streamsPerViewer.get([platform, viewer].join("\u0000")) ?? 0;
  }

  clientCount(): number {
    let count = 0;
    for (const feed of this.feeds.values()) count += feed.clients.size;
    return count;
  }

  /**
   * Flushes at the end of this turn of the event loop if the feed was quiet for coalesceMs (the
   * changes read in the same turn go out together), else when that much has passed; an earlier
   * due time replaces a later one (a pending summary correction never delays a change). A timer
   * asked for 0 ms waits at least 1 ms: most of a quiet page change's latency.
   */
  private schedule(feed: PlatformFeed, atLeastMs: number): void {
    const now = this.options.clock();
    const wait = Math.max(atLeastMs, feed.lastFlushAt + this.options.coalesceMs - now, 0);
    if (feed.cancelFlush && feed.flushAt <= now + wait) return;
    feed.cancelFlush?.();
    feed.flushAt = now + wait;
    const due = () => {
      feed.cancelFlush = null;
      feed.flushAt = Number.POSITIVE_INFINITY;
      this.flush(feed);
    };
    if (wait === 0) {
      // Not unref'd: an unref'd immediate lets the loop block in poll, and runs late.
      const immediate = setImmediate(due);
      feed.cancelFlush = () => clearImmediate(immediate);
    } else {
      const timer = setTimeout(due, wait).unref();
      feed.cancelFlush = () => clearTimeout(timer);
    }
  }

  private flush(feed: PlatformFeed): void {
    const { platform } = feed;
    if (feed.clients.size === 0) {
      feed.dirty.clear();
      feed.removed.clear();
      return;
    }
    if (feed.dirty.size === 0 && feed.removed.size === 0 && !feed.isSummaryOwed) return;
    const now = this.options.clock();
    const upserts: PresenceUser[] = [];
    for (const user of feed.dirty) {
      const row = this.board.row(platform, user);
      if (row) upserts.push(row);
    }
    feed.seq++;
    const change: PresenceChangeEvent = {
      updatedAt: new Date(now).toISOString(),
      seq: feed.seq,
      summary: this.summaryOf(feed, now),
      upserts,
      removes: [...feed.removed],
    };
    for (const { catchUp } of feed.clients.values()) {
      if (catchUp === null) continue;
      for (const user of feed.dirty) catchUp.changed.add(user);
      for (const user of feed.removed) catchUp.removed.add(user);
    }
    feed.dirty.clear();
    feed.removed.clear();
    feed.lastFlushAt = now;
    this.broadcast(feed, `event: change\ndata: ${JSON.stringify(change)}\n\n`);
    // A reused summary is corrected once it may be recomputed, even if nothing else changes.
    if (feed.isSummaryOwed) this.schedule(feed, feed.summaryAt + this.options.summaryEveryMs - now);
  }

  private summaryOf(feed: PlatformFeed, now: number): PresenceSummary {
    if (feed.summary && now - feed.summaryAt < this.options.summaryEveryMs) {
      feed.isSummaryOwed = true;
      return feed.summary;
    }
    feed.summary = this.board.summary(feed.platform);
    feed.summaryAt = now;
    // A session came or went and the average is still being read: correct it once it is.
    feed.isSummaryOwed = this.board.isAverageSettling(feed.platform);
    return feed.summary;
  }

  private keepAlive(): void {
    for (const feed of this.feeds.values()) this.broadcast(feed, ": keep-alive\n\n");
  }

  private broadcast(feed: PlatformFeed, frame: string): void {
    for (const [res, client] of feed.clients) {
      // Still in the middle of its snapshot's line: it hears of the changes after it.
      if (client.catchUp !== null) continue;
      if (client.sink.bufferedBytes() > client.snapshotAllowance + this.options.maxBufferedBytes) {
        // A dashboard that stopped reading: drop it; its EventSource reconnects to a fresh snapshot.
        feed.clients.delete(res);
        client.sink.destroy();
        continue;
      }
      client.sink.write(frame);
    }
  }

  private feedOf(platform: string): PlatformFeed {
    let feed = this.feeds.get(platform);
    if (!feed) {
      feed = {
        platform,
        clients: new Map(),
        dirty: new Set(),
        removed: new Set(),
        seq: 0,
        cancelFlush: null,
        flushAt: Number.POSITIVE_INFINITY,
        lastFlushAt: Number.NEGATIVE_INFINITY,
        summary: null,
        summaryAt: Number.NEGATIVE_INFINITY,
        isSummaryOwed: false,
      };
      this.feeds.set(platform, feed);
    }
    return feed;
  }
}
