// Batches facts off the hot path: one transaction per flush; event promises resolve once durable.
import type { PresenceChange } from "../presence/engine/types.js";
import {
  type EventRecord,
  emptyFactBatch,
  type FactBatch,
  type Storage,
  type UserProfile,
} from "./storage.js";

export interface FactWriterOptions {
  /** Longest a fact waits before it is written. */
  flushEveryMs: number;
  /** Flush early once this many facts wait. */
  maxPending: number;
  /**
   * Facts waiting behind a running write past which the writer is behind: `onBacklog` listeners
   * are told, and the tracker sockets stop reading until the next write takes them. Unbounded
   * when left out.
   */
  maxBacklog?: number;
  onError: (error: unknown) => void;
}

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Presence facts per transaction. Chosen when SQLite committed on the event loop: 500 rows held it
 * ~2 ms (2,000 held it ~7 ms, the largest share of a page change's p99 at 19,000 tabs). The
 * server's SQLite now commits on its writer thread; the parts still keep each transaction, and
 * each PostgreSQL round of them, short.
 */
export const ROWS_PER_WRITE = 500;

/** The order the adapters write a batch's presence facts in: a row never depends on a later kind. */
export const KIND_ORDER = [
  "users",
  "sessionsStarted",
  "sessionsSeen",
  "sessionsEnded",
  "visitsStarted",
  "visitsEnded",
  "activeStarted",
  "activeEnded",
  "activeSeen",
] as const satisfies ReadonlyArray<Exclude<keyof FactBatch, "events">>;

/**
 * Parts of at most `size` presence facts, in the adapters' order, so a burst (thousands of
 * tabs going idle, a 5-s "still live" pass) never holds the event loop in one transaction. All
 * events go in the first part: they are what someone waits for.
 */
export function splitBatch(batch: FactBatch, size: number): FactBatch[] {
  const parts: FactBatch[] = [{ ...emptyFactBatch(), events: batch.events }];
  let room = size;
  for (const kind of KIND_ORDER) {
    const rows = batch[kind] as unknown[];
    for (let from = 0; from < rows.length; ) {
      if (room === 0) {
        parts.push(emptyFactBatch());
        room = size;
      }
      const taken = rows.slice(from, from + room);
      ((parts.at(-1) as FactBatch)[kind] as unknown[]).push(...taken);
      from += taken.length;
      room -= taken.length;
    }
  }
  return parts;
}

export class FactWriter {
  private batch = emptyFactBatch();
  private pending = 0;
  private waiters: Waiter[] = [];
  private timer: NodeJS.Timeout | null = null;
  /** The delay `timer` was set with: a retry far off is brought forward when someone waits. */
  private timerDelay = 0;
  private immediate: NodeJS.Immediate | null = null;
  /** Consecutive failed flushes: retries back off while storage is down. */
  private failures = 0;
  private flushing: Promise<void> | null = null;
  private isClosed = false;
  private isBehind = false;
  private readonly backlogListeners: Array<(isBehind: boolean) => void> = [];

  constructor(
    private readonly storage: Pick<Storage, "writeFacts">,
    private readonly options: FactWriterOptions,
  ) {}

  /** Facts waiting for a write (those of a write under way not counted). */
  queued(): number {
    return this.pending;
  }

  /** Resolves once the user is stored (callers that need not wait may ignore it). */
  addUser(platform: string, profile: UserProfile): Promise<void> {
    if (this.isClosed) return Promise.reject(new Error("fact writer is closed"));
    this.batch.users.push({ platform, ...profile });
    return this.durable(1);
  }

  /** Turns the engine's decisions into rows (dropped once closed: a restart closes what is left open). */
  addChanges(changes: readonly PresenceChange[]): void {
    if (this.isClosed) return;
    let added = 0;
    for (const change of changes) {
      switch (change.type) {
        case "sessionStarted":
          this.batch.sessionsStarted.push(change);
          break;
        case "sessionEnded":
          this.batch.sessionsEnded.push(change);
          break;
        case "visitStarted":
          this.batch.visitsStarted.push(change);
          break;
        case "visitEnded":
          this.batch.visitsEnded.push(change);
          break;
        case "activeStarted":
          this.batch.activeStarted.push(change);
          break;
        case "activeEnded":
          this.batch.activeEnded.push(change);
          break;
        case "user":
          continue;
      }
      added++;
    }
    if (added > 0) this.bump(added);
  }

  addSessionsSeen(seen: FactBatch["sessionsSeen"]): void {
    if (seen.length === 0 || this.isClosed) return;
    this.batch.sessionsSeen.push(...seen);
    this.bump(seen.length);
  }

  /** Marks users active in apps at a moment (ongoing active intervals). */
  addActiveSeen(seen: FactBatch["activeSeen"]): void {
    if (seen.length === 0 || this.isClosed) return;
    this.batch.activeSeen.push(...seen);
    this.bump(seen.length);
  }

  /** Resolves once the events are committed: only then may they be acknowledged. */
  addEvents(events: EventRecord[]): Promise<void> {
    if (this.isClosed) return Promise.reject(new Error("fact writer is closed"));
    this.batch.events.push(...events);
    return this.durable(events.length);
  }

  private durable(count: number): Promise<void> {
    if (this.isClosed) return Promise.reject(new Error("fact writer is closed"));
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    // Nobody may be waiting on it; a failure is already logged by onError.
    done.catch(() => undefined);
    this.bump(count);
    return done;
  }

  /**
   * Called with true when facts arrive faster than storage takes them (maxBacklog wait behind a
   * running write), and with false once the next write has taken them. Never while writes fail:
   * presence goes on through an outage, its facts waiting here.
   */
  onBacklog(listener: (isBehind: boolean) => void): void {
    this.backlogListeners.push(listener);
  }

  /** True from a failed flush until one succeeds: facts wait and events are refused meanwhile. */
  isFailing(): boolean {
    return this.failures > 0;
  }

  /**
   * Storage is reachable again (a health probe answered): retries now instead of at the end of
   * the backoff. With nothing waiting, nothing failed is left, and the writer is healthy again.
   */
  retryNow(): void {
    if (this.failures === 0 || this.isClosed) return;
    if (this.pending === 0 && this.waiters.length === 0 && !this.flushing) {
      this.failures = 0;
      return;
    }
    this.cancelScheduled();
    void this.flush();
  }

  /** Writes everything waiting; resolves when it is durable. */
  async flush(): Promise<void> {
    this.cancelScheduled();
    while (this.flushing) await this.flushing;
    if (this.pending === 0 && this.waiters.length === 0) return;
    const batch = this.batch;
    const waiters = this.waiters;
    this.batch = emptyFactBatch();
    this.waiters = [];
    this.pending = 0;
    this.setBehind(false);
    const [first, ...rest] = splitBatch(batch, ROWS_PER_WRITE);
    this.flushing = this.storage
      .writeFacts(first as FactBatch)
      .then(
        async () => {
          this.failures = 0;
          for (const waiter of waiters) waiter.resolve();
          await this.writeRest(rest);
        },
        (error: unknown) => {
          this.failed(error);
          // Events are refused (not acknowledged: the client resends); presence facts are kept.
          for (const waiter of waiters) waiter.reject(error);
          if (!this.isClosed) this.requeue({ ...batch, events: [] });
        },
      )
      .finally(() => {
        this.flushing = null;
        this.schedule();
      });
    await this.flushing;
  }

  /**
   * The parts after the first, a transaction each with a turn of the event loop between: a
   * burst of thousands of rows would otherwise hold it for tens of milliseconds. What fails is kept for the
   * next flush.
   */
  private async writeRest(parts: FactBatch[]): Promise<void> {
    for (const [i, part] of parts.entries()) {
      await new Promise((resolve) => setImmediate(resolve));
      try {
        await this.storage.writeFacts(part);
      } catch (error) {
        this.failed(error);
        if (!this.isClosed) for (const rest of parts.slice(i)) this.requeue(rest);
        return;
      }
    }
  }

  async close(): Promise<void> {
    this.isClosed = true;
    await this.flush();
    this.cancelScheduled();
    this.setBehind(false);
  }

  private requeue(batch: FactBatch): void {
    for (const key of Object.keys(batch) as Array<keyof FactBatch>) {
      const rows = batch[key] as unknown[];
      (this.batch[key] as unknown[]).unshift(...rows);
      this.pending += rows.length;
    }
  }

  private bump(count: number): void {
    this.pending += count;
    if (
      this.flushing &&
      this.failures === 0 &&
      this.pending >= (this.options.maxBacklog ?? Number.POSITIVE_INFINITY)
    ) {
      this.setBehind(true);
    }
    this.schedule();
  }

  /** A write failed: retries back off, and the sockets read again (presence goes on). */
  private failed(error: unknown): void {
    this.failures++;
    this.setBehind(false);
    this.options.onError(error);
  }

  private setBehind(isBehind: boolean): void {
    if (isBehind === this.isBehind) return;
    this.isBehind = isBehind;
    for (const listener of this.backlogListeners) listener(isBehind);
  }

  /**
   * Group commit: someone waiting for durability (or a full batch) flushes on the next turn, and
   * whatever arrives during a flush goes in the next one; presence facts alone wait up to
   * flushEveryMs. After a failure, retries back off instead of spinning: up to 10 s for
   * presence facts, 1 s when someone waits (an event is refused or accepted within a second).
   */
  private schedule(): void {
    if (this.isClosed || this.flushing || (this.pending === 0 && this.waiters.length === 0)) return;
    if (this.failures > 0) {
      const longest = this.waiters.length > 0 ? 1_000 : 10_000;
      const delay = Math.min(longest, 100 * 2 ** Math.min(this.failures, 7));
      if (this.timer && this.timerDelay > delay) this.cancelScheduled();
      if (!this.timer) {
        this.timerDelay = delay;
        this.timer = setTimeout(() => {
          this.timer = null;
          void this.flush();
        }, delay);
        this.timer.unref();
      }
      return;
    }
    if (this.waiters.length > 0 || this.pending >= this.options.maxPending) {
      this.immediate ??= setImmediate(() => {
        this.immediate = null;
        void this.flush();
      });
      return;
    }
    if (!this.timer) {
      this.timerDelay = this.options.flushEveryMs;
      this.timer = setTimeout(() => {
        this.timer = null;
        void this.flush();
      }, this.options.flushEveryMs);
      this.timer.unref();
    }
  }

  private cancelScheduled(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
  }
}
