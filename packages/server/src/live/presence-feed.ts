// Pushes Connected users to dashboards over SSE: one snapshot, then coalesced change events.
import type { ServerResponse } from "node:http";
import type {
  PresenceChangeEvent,
  PresenceSnapshotEvent,
  PresenceSummary,
  PresenceUser,
} from "@rollcall/protocol";
import type { PresenceBoard } from "../presence/presence-board.js";

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
}

/** One dashboard's stream. */
interface FeedClient {
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

  constructor(
    private readonly board: PresenceBoard,
    private readonly options: PresenceFeedOptions,
  ) {
    this.keepAliveTimer = setInterval(() => this.keepAlive(), options.keepAliveMs);
    this.keepAliveTimer.unref();
  }

  /** Starts an SSE stream on `res` for the platform: the snapshot now, changes after. */
  async subscribe(platform: string, res: ServerResponse): Promise<void> {
    const feed = this.feedOf(platform);
    const summary = await this.board.freshSummary(platform);
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    const snapshot: PresenceSnapshotEvent = {
      updatedAt: new Date(this.options.clock()).toISOString(),
      seq: feed.seq,
      summary,
      users: this.board.rows(platform),
    };
    const frame = `retry: 2000\nevent: snapshot\ndata: ${JSON.stringify(snapshot)}\n\n`;
    // Its snapshot alone may be over the limit; changes queue behind it until it has drained.
    const client: FeedClient = { snapshotAllowance: Buffer.byteLength(frame) };
    res.write(frame, () => {
      client.snapshotAllowance = 0;
    });
    feed.clients.set(res, client);
    res.on("close", () => feed.clients.delete(res));
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
      for (const res of feed.clients.keys()) res.end();
      feed.clients.clear();
    }
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
    feed.isSummaryOwed = false;
    return feed.summary;
  }

  private keepAlive(): void {
    for (const feed of this.feeds.values()) this.broadcast(feed, ": keep-alive\n\n");
  }

  private broadcast(feed: PlatformFeed, frame: string): void {
    for (const [res, client] of feed.clients) {
      if (res.writableLength > client.snapshotAllowance + this.options.maxBufferedBytes) {
        // A dashboard that stopped reading: drop it; its EventSource reconnects to a fresh snapshot.
        feed.clients.delete(res);
        res.destroy();
        continue;
      }
      res.write(frame);
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
