// PresenceStore: where the engine's per-user state lives (this process, or Redis shared by nodes).
import type {
  ConnectionKey,
  LiveUser,
  PresenceChange,
  PresenceEvent,
  RestoredSession,
  UserPresenceBrief,
  UserPresenceView,
} from "../engine/types.js";

/** A value now, or later: the memory store answers synchronously, the Redis store does not. */
export type MaybePromise<T> = T | Promise<T>;

/** A user's row changed on another node (its facts were stored there). */
export interface RemoteUserChange {
  platform: string;
  user: string;
  /** When the user is no longer held (offline, no session): their last live moment, if known. */
  lastLiveAt: number | null;
}

export interface StoreHealth {
  /** "memory": one node; "ok" / "down": the shared store is reachable or not. */
  presence: "memory" | "ok" | "down";
}

/**
 * Holds the presence of every user and applies events to it with the pure engine.
 *
 * - `MemoryPresenceStore`: one node (the default). Everything in this process, synchronous,
 *   no I/O per event. Choose it unless you run several nodes.
 * - `RedisPresenceStore`: several nodes behind a load balancer. Each user's state is one Redis
 *   value changed by compare-and-set; every node keeps a replica for reads.
 *
 * Whatever the store, `apply` returns the changes this call decided, and no other call (on any
 * node) returns the same transition: the caller writes them as facts exactly once.
 */
export interface PresenceStore {
  /** Applies `event` at `now`. Rejects with AppError `unavailable` when the store is unreachable. */
  apply(event: PresenceEvent, now: number): MaybePromise<PresenceChange[]>;
  /** Of the sessions storage holds open, those the store does not hold (to restore at start). */
  restorable(sessions: RestoredSession[]): Promise<RestoredSession[]>;
  /** Whether this node holds the tab's connection; if not, the tracker must say hello again. */
  hasConnection(key: ConnectionKey): boolean;
  view(platform: string, user: string, now: number): UserPresenceView | null;
  views(platform: string, now: number): Iterable<UserPresenceView>;
  /** The user's status, page and session start, without connection details. */
  brief(platform: string, user: string, now: number): UserPresenceBrief | null;
  /** Every known user's status, page and session start, without connection details. */
  briefs(platform: string, now: number): Iterable<UserPresenceBrief>;
  /** Users with a live connection on this node: whose last live moment this node persists. */
  liveUsers(): Iterable<LiveUser>;
  /** Apps the users of `liveUsers` are active in. */
  activeApps(): Iterable<{ platform: string; user: string; app: string | null; startedAt: number }>;
  /** Rows changed by other nodes; returns the unsubscribe. */
  onRemoteChange(listener: (change: RemoteUserChange) => void): () => void;
  health(): StoreHealth;
  close(): Promise<void>;
}
