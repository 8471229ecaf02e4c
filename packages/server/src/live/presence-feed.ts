// Pushes Connected users to dashboards over SSE: one snapshot, then coalesced change events.
import type { ServerResponse } from "node:http";
import type { PresenceChangeEvent, PresenceSnapshotEvent, PresenceUser } from "@rollcall/protocol";
import type { PresenceBoard } from "../presence/presence-board.js";

export interface PresenceFeedOptions {
  /** Changes within this window go out as one event. */
  coalesceMs: number;
  /** A dashboard that stops reading is dropped once this much waits in its buffer. */
  maxBufferedBytes: number;
  keepAliveMs: number;
  clock: () => number;
}

interface PlatformFeed {
  clients: Set<ServerResponse>;
  dirty: Set<string>;
  removed: Set<string>;
  seq: number;
}

export class PresenceFeed {
  private readonly feeds = new Map<string, PlatformFeed>();
  private readonly flushTimer: NodeJS.Timeout;
  private readonly keepAliveTimer: NodeJS.Timeout;

  constructor(
    private readonly board: PresenceBoard,
    private readonly options: PresenceFeedOptions,
  ) {
    this.flushTimer = setInterval(() => this.flush(), options.coalesceMs);
    this.keepAliveTimer = setInterval(() => this.keepAlive(), options.keepAliveMs);
    this.flushTimer.unref();
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
    res.write(`retry: 2000\nevent: snapshot\ndata: ${JSON.stringify(snapshot)}\n\n`);
    feed.clients.add(res);
    res.on("close", () => feed.clients.delete(res));
  }

  markChanged(platform: string, user: string): void {
    const feed = this.feeds.get(platform);
    if (feed && feed.clients.size > 0) feed.dirty.add(user);
  }

  markRemoved(platform: string, user: string): void {
    const feed = this.feeds.get(platform);
    if (feed && feed.clients.size > 0) feed.removed.add(user);
  }

  close(): void {
    clearInterval(this.flushTimer);
    clearInterval(this.keepAliveTimer);
    for (const feed of this.feeds.values()) {
      for (const res of feed.clients) res.end();
      feed.clients.clear();
    }
  }

  clientCount(): number {
    let count = 0;
    for (const feed of this.feeds.values()) count += feed.clients.size;
    return count;
  }

  private flush(): void {
    for (const [platform, feed] of this.feeds) {
      if (feed.dirty.size === 0 && feed.removed.size === 0) continue;
      if (feed.clients.size === 0) {
        feed.dirty.clear();
        feed.removed.clear();
        continue;
      }
      const upserts: PresenceUser[] = [];
      for (const user of feed.dirty) {
        const row = this.board.row(platform, user);
        if (row) upserts.push(row);
      }
      feed.seq++;
      const change: PresenceChangeEvent = {
        updatedAt: new Date(this.options.clock()).toISOString(),
        seq: feed.seq,
        summary: this.board.summary(platform),
        upserts,
        removes: [...feed.removed],
      };
      feed.dirty.clear();
      feed.removed.clear();
      this.broadcast(feed, `event: change\ndata: ${JSON.stringify(change)}\n\n`);
    }
  }

  private keepAlive(): void {
    for (const feed of this.feeds.values()) this.broadcast(feed, ": keep-alive\n\n");
  }

  private broadcast(feed: PlatformFeed, frame: string): void {
    for (const res of feed.clients) {
      if (res.writableLength > this.options.maxBufferedBytes) {
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
      feed = { clients: new Set(), dirty: new Set(), removed: new Set(), seq: 0 };
      this.feeds.set(platform, feed);
    }
    return feed;
  }
}
