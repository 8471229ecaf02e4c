// The presence shell: owns the clock and the timers, drives a PresenceStore, and fans out changes.
import type { Logger } from "pino";
import type { FactWriter } from "../storage/fact-writer.js";
import { type FactBatch, SLOT_MS, type Storage } from "../storage/storage.js";
import type { UserDirectory } from "../users/user-directory.js";
import type {
  ConnectionKey,
  PresenceChange,
  PresenceEvent,
  UserPresenceBrief,
  UserPresenceView,
} from "./engine/types.js";
import type { MaybePromise, PresenceStore, RemoteUserChange } from "./store/presence-store.js";

export type Clock = () => number;

export interface PresenceServiceOptions {
  /** Where the state lives: MemoryPresenceStore (one node) or RedisPresenceStore (several). */
  store: PresenceStore;
  clock: Clock;
  writer: FactWriter;
  directory: UserDirectory;
  logger: Logger;
  /** How often time-based rules are applied. */
  tickMs: number;
  /**
   * How often the periodic pass runs: each pass stores the last live moment of one in
   * SEEN_PARTS of the live users (what a restart resumes from), and marks ongoing activity.
   */
  persistSeenMs: number;
}

/** Receives the users whose row changed. */
export type UserChangeListener = (platform: string, user: string) => void;

export class PresenceService {
  private readonly store: PresenceStore;
  private readonly listeners = new Set<UserChangeListener>();
  private timers: NodeJS.Timeout[] = [];
  /** Last 15-minute slot marked for each open active interval. */
  private activeSlots = new Map<string, number>();
  /** The slot of the last complete pass over the active intervals (null: none yet). */
  private activeSlotsPassedIn: number | null = null;
  private isTicking = false;
  private isPersistingSeen = false;
  /** Which part of the live users the next pass stores (see SEEN_PARTS). */
  private seenPart = 0;
  private stopRemote: () => void = () => undefined;

  constructor(private readonly options: PresenceServiceOptions) {
    this.store = options.store;
  }

  /** Resumes the sessions a previous run left open (and no other node holds), then starts the timers. */
  async start(storage: Storage): Promise<void> {
    const sessions = await this.store.restorable(await storage.openSessions());
    await storage.closeDanglingIntervals(
      sessions.map((s) => ({ platform: s.platform, user: s.user, at: s.lastLiveAt })),
    );
    await this.handle({ type: "restore", sessions });
    this.stopRemote = this.store.onRemoteChange((change) => this.onRemote(change));
    this.timers.push(setInterval(() => this.tick(), this.options.tickMs));
    this.timers.push(setInterval(() => void this.persistSeen(), this.options.persistSeenMs));
    for (const timer of this.timers) timer.unref();
  }

  /** Stops the timers and stores where every open session stands; sessions stay open for a restart. */
  stop(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    this.stopRemote();
    this.persistSeenNow();
  }

  onUserChange(listener: UserChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Applies the event and dispatches what it decided. Synchronous with the memory store; with a
   * shared store it resolves once applied, or rejects with AppError `unavailable`.
   */
  handle(event: PresenceEvent): MaybePromise<void> {
    const result = this.store.apply(event, this.options.clock());
    if (Array.isArray(result)) {
      if (result.length > 0) this.dispatch(result);
      return;
    }
    return result.then((changes) => {
      if (changes.length > 0) this.dispatch(changes);
    });
  }

  /** Whether this node holds the tab (false after a heartbeat timeout dropped it). */
  hasConnection(key: ConnectionKey): boolean {
    return this.store.hasConnection(key);
  }

  view(platform: string, user: string): UserPresenceView | null {
    return this.store.view(platform, user, this.options.clock());
  }

  views(platform: string): Iterable<UserPresenceView> {
    return this.store.views(platform, this.options.clock());
  }

  brief(platform: string, user: string): UserPresenceBrief | null {
    return this.store.brief(platform, user, this.options.clock());
  }

  briefs(platform: string): Iterable<UserPresenceBrief> {
    return this.store.briefs(platform, this.options.clock());
  }

  health(): ReturnType<PresenceStore["health"]> {
    return this.store.health();
  }

  now(): number {
    return this.options.clock();
  }

  private tick(): void {
    const done = this.handle({ type: "tick" });
    if (done === undefined || this.isTicking) return;
    // A shared store's tick does I/O: one at a time; it reports its own failures.
    this.isTicking = true;
    done
      .catch((error: unknown) => this.options.logger.warn({ err: error }, "presence tick failed"))
      .finally(() => {
        this.isTicking = false;
      });
  }

  /** Another node stored the facts; here only the dashboards and the directory learn of it. */
  private onRemote(change: RemoteUserChange): void {
    if (change.lastLiveAt !== null) {
      this.options.directory.markSeen(change.platform, change.user, change.lastLiveAt);
    }
    this.notify(change.platform, change.user);
  }

  private dispatch(changes: PresenceChange[]): void {
    this.options.writer.addChanges(changes);
    for (const change of changes) {
      if (change.type === "sessionEnded") {
        this.options.directory.markSeen(change.platform, change.user, change.endedAt);
      }
      if (change.type === "user") this.notify(change.platform, change.user);
    }
  }

  private notify(platform: string, user: string): void {
    for (const listener of this.listeners) {
      try {
        listener(platform, user);
      } catch (error) {
        this.options.logger.error({ err: error }, "presence listener failed");
      }
    }
  }

  /**
   * Ongoing activity reaches the analytics as time passes, not only when it ends: each active
   * (user, app) is marked once per 15-minute slot it reaches (its start slot is marked at start).
   */
  private *newActiveSlots(now: number): Generator<void, void> {
    const slot = Math.floor(now / SLOT_MS);
    // Within one slot there is nothing to mark: intervals are marked in their start slot when
    // they start, so only a slot boundary passed since the last pass leaves work.
    if (slot === this.activeSlotsPassedIn) return;
    const marks = new Map<string, number>();
    let seen: FactBatch["activeSeen"] = [];
    for (const a of this.store.activeApps()) {
      const id = `${a.platform}\u0000${a.user}\u0000${a.app ?? ""}\u0000${a.startedAt}`;
      const marked = this.activeSlots.get(id) ?? Math.floor(a.startedAt / SLOT_MS);
      if (slot > marked) seen.push({ platform: a.platform, user: a.user, app: a.app, at: now });
      marks.set(id, Math.max(slot, marked));
      if (marks.size % SEEN_SLICE === 0) {
        this.options.writer.addActiveSeen(seen);
        seen = [];
        yield;
      }
    }
    this.options.writer.addActiveSeen(seen);
    // Only intervals still open are remembered, so this stays as large as the live users.
    this.activeSlots = marks;
    this.activeSlotsPassedIn = slot;
  }

  /**
   * Every 5 s: where a part of the open sessions and all ongoing activity stand, in slices (see
   * persistSeen). `isEveryone`: every live user's session at once (stopping).
   */
  private *seenSteps(isEveryone = false): Generator<void, void> {
    const now = this.options.clock();
    const part = this.seenPart;
    this.seenPart = (part + 1) % SEEN_PARTS;
    let seen: FactBatch["sessionsSeen"] = [];
    let count = 0;
    for (const { platform, user, sessionStartedAt: startedAt } of this.store.liveUsers()) {
      if (++count % SEEN_SLICE === 0) {
        this.options.writer.addSessionsSeen(seen);
        seen = [];
        yield;
      }
      if (startedAt === null) continue;
      this.options.directory.markSeen(platform, user, now);
      if (isEveryone || partOf(user) === part) seen.push({ platform, user, startedAt, at: now });
    }
    this.options.writer.addSessionsSeen(seen);
    yield* this.newActiveSlots(now);
  }

  /**
   * The periodic pass, a slice of users per turn of the event loop: with 20,000 live users it
   * took ~100 ms in one go, which every live change waiting behind it felt.
   */
  private async persistSeen(): Promise<void> {
    if (this.isPersistingSeen) return;
    this.isPersistingSeen = true;
    try {
      for (const _ of this.seenSteps()) await new Promise((resolve) => setImmediate(resolve));
    } finally {
      this.isPersistingSeen = false;
    }
  }

  /** The pass at once, for every live user (stopping: the writer is flushed right after). */
  private persistSeenNow(): void {
    for (const _ of this.seenSteps(true)) {
      // each step has done its slice
    }
  }
}

/** Users per slice of the periodic pass (a slice is well under a millisecond). */
const SEEN_SLICE = 500;

/**
 * A live user's last live moment is stored every SEEN_PARTS passes (30 s at 5 s a pass): every
 * 5 s for everyone was two row updates per live user per pass, 20,000 rows/s at 50,000 users,
 * which the database (on the same cores) could not keep up with. A crash ends sessions at most
 * that much early; a clean stop stores everyone.
 */
const SEEN_PARTS = 6;

/** A user's part: a stable hash of their id (FNV-1a). */
function partOf(user: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < user.length; i++) {
    hash ^= user.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % SEEN_PARTS;
}
