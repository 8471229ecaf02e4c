// The Storage interface: every durable fact Rollcall keeps, in domain verbs, for each adapter.
import type { Page, Viewer } from "@rollcall/protocol";
import type { ShareLinkStore } from "./share-link-store.js";

/**
 * Activity is kept in 15-minute UTC slots (slot = floor(epochMs / SLOT_MS)): every local hour and
 * day boundary of every real time zone falls on a slot boundary, so counts stay exact in any zone.
 */
export const SLOT_MS = 900_000;

/** Slots an activity from `start` to `end` touches: [start, end), or the start slot if empty. */
export function slotsBetween(start: number, end: number): [first: number, last: number] {
  const first = Math.floor(start / SLOT_MS);
  const last = end > start ? Math.ceil(end / SLOT_MS) - 1 : first;
  return [first, last];
}

/** A platform, or one app of it (`app: null` is the whole platform, `_all` in the API). */
export interface AppScope {
  platform: string;
  app: string | null;
}

/** Slot indexes [start, end). */
export interface SlotWindow {
  start: number;
  end: number;
}

export type UserTableSort = "name" | "messagesSent" | "lastActiveAt";

export interface UserTableQuery {
  scope: AppScope;
  /** Messages are counted in these slots, and with `members: "active"` users active in them kept. */
  messages: SlotWindow;
  messageNames: string[];
  /** `active`: the users active in the window; `all`: every user known to the scope. */
  members: UserTableMembers;
  q: string | null;
  /** Keep only users whose last activity is before this (or who never were active). */
  inactiveBefore: number | null;
  minMessages: number;
  /** At most this many messages in the window; null: no bound. */
  maxMessages: number | null;
  /** Keep only users of this role, compared ignoring case (the whole role, not a part). */
  role: string | null;
  sort: UserTableSort;
  order: "asc" | "desc";
  /** null: every row (CSV export). */
  limit: number | null;
  offset: number;
}

export type UserTableMembers = "active" | "all";

/** The table's rows as asked, how many match in all, and the roles of the scope's users. */
export interface UserTableResult {
  total: number;
  rows: UserTableRow[];
  /** Distinct roles of the users known to the scope, whatever the filters (the role filter's choices). */
  roles: string[];
}

export interface UserTableRow {
  id: string;
  name: string;
  email: string;
  role: string;
  messagesSent: number;
  lastActiveAt: number | null;
}

export interface AppRecord {
  id: string;
  /** Users with any activity in the app. */
  users: number;
  lastActivityAt: number | null;
}

/** What `rollcall export` writes, one file each. */
export type ExportKind = "users" | "sessions" | "page_visits" | "events";

/** Columns of each export kind, in order (the same for every adapter). */
export const EXPORT_COLUMNS: Record<ExportKind, string[]> = {
  users: ["id", "name", "email", "role", "created_at", "last_seen_at"],
  sessions: ["user_id", "started_at", "ended_at", "last_live_at"],
  page_visits: ["user_id", "tab", "started_at", "ended_at", "path", "title", "app"],
  events: ["id", "user_id", "name", "app", "ts", "props"],
};

/** Primary-key columns of each kind, after the platform: the export's order. */
export const EXPORT_KEYS: Record<ExportKind, string[]> = {
  users: ["id"],
  sessions: ["user_id", "started_at"],
  page_visits: ["user_id", "tab", "started_at"],
  events: ["id"],
};

export interface PlatformRecord {
  id: string;
  name: string;
  /** Signing secrets; two during a rotation. */
  secrets: string[];
  createdAt: number;
}

export interface UserProfile {
  id: string;
  name: string;
  email: string;
  role: string;
}

export interface UserRecord extends UserProfile {
  platform: string;
  createdAt: number;
  /** Last moment a connection of theirs was live, or null if never seen. */
  lastSeenAt: number | null;
}

export interface SessionRecord {
  platform: string;
  user: string;
  startedAt: number;
  endedAt: number | null;
  /** Last moment known live; what a restart resumes from. */
  lastLiveAt: number;
}

export interface PageVisitRecord {
  platform: string;
  user: string;
  tab: string;
  page: Page;
  startedAt: number;
  endedAt: number | null;
}

export interface EventRecord {
  platform: string;
  /** Client-made id: a repeated id is stored once. */
  id: string;
  user: string;
  name: string;
  app: string | null;
  ts: number;
  props: Record<string, unknown> | null;
}

export interface OperatorRecord {
  email: string;
  name: string;
  passwordHash: string;
  createdAt: number;
}

/** Which viewer sessions to end: one viewer's, or all; on one platform or on every one. */
export interface ViewerSessionFilter {
  /** The viewer's id (a viewer token's `sub`, an operator's email); omitted: every viewer. */
  viewer?: string;
  platform?: string;
}

export interface ViewerSessionRecord {
  /** SHA-256 of the cookie value: a stolen database does not give working cookies. */
  idHash: string;
  viewer: Viewer;
  expiresAt: number;
}

/**
 * One batch of facts, written in one transaction. The presence engine's decisions become these
 * rows as they are, so the live page and the analytics read the same facts.
 */
export interface FactBatch {
  users: Array<{ platform: string } & UserProfile>;
  sessionsStarted: Array<{ platform: string; user: string; startedAt: number }>;
  sessionsEnded: Array<{ platform: string; user: string; startedAt: number; endedAt: number }>;
  /** Open sessions still live at `at`: their lastLiveAt and the users' lastSeenAt move on. */
  sessionsSeen: Array<{ platform: string; user: string; startedAt: number; at: number }>;
  visitsStarted: Array<{
    platform: string;
    user: string;
    tab: string;
    page: Page;
    startedAt: number;
  }>;
  visitsEnded: Array<{
    platform: string;
    user: string;
    tab: string;
    startedAt: number;
    endedAt: number;
  }>;
  activeStarted: Array<{ platform: string; user: string; app: string | null; startedAt: number }>;
  activeEnded: Array<{
    platform: string;
    user: string;
    app: string | null;
    startedAt: number;
    endedAt: number;
  }>;
  /** Users active in an app at `at` (ongoing active intervals, marked as time passes). */
  activeSeen: Array<{ platform: string; user: string; app: string | null; at: number }>;
  events: EventRecord[];
}

export function emptyFactBatch(): FactBatch {
  return {
    users: [],
    sessionsStarted: [],
    sessionsEnded: [],
    sessionsSeen: [],
    visitsStarted: [],
    visitsEnded: [],
    activeStarted: [],
    activeEnded: [],
    activeSeen: [],
    events: [],
  };
}

export interface Storage {
  /** Brings the schema to the latest version; safe to call on every start. */
  migrate(): Promise<{ applied: number[] }>;
  close(): Promise<void>;
  /** The cheapest round trip to the database; rejects while it cannot be reached (health probe). */
  ping(): Promise<void>;
  /**
   * Prepares what analytics read before serving (SQLite: loads the in-memory activity index,
   * counting these event names as messages).
   */
  warmUp(messageNames: string[]): Promise<void>;

  createPlatform(platform: PlatformRecord): Promise<void>;
  getPlatform(id: string): Promise<PlatformRecord | null>;
  listPlatforms(): Promise<PlatformRecord[]>;
  setPlatformSecrets(id: string, secrets: string[]): Promise<void>;

  /** Every registered user of every platform: loaded once into the in-memory directory. */
  listUsers(): Promise<UserRecord[]>;
  deleteUser(platform: string, user: string): Promise<void>;

  /** Writes one batch atomically; events with an id already stored are skipped. */
  writeFacts(batch: FactBatch): Promise<void>;

  /** Sessions not ended, for resuming after a restart. */
  openSessions(): Promise<SessionRecord[]>;
  /**
   * Ends what a stopped server left open: visits and active intervals still open are closed at
   * their user's last live moment.
   */
  closeDanglingIntervals(
    ends: Array<{ platform: string; user: string; at: number }>,
  ): Promise<void>;
  /** Ended sessions with endedAt ≥ since (for the average session card). */
  sessionsEndedSince(platform: string, since: number): Promise<SessionRecord[]>;
  userSessionsBetween(
    platform: string,
    user: string,
    from: number,
    to: number,
  ): Promise<SessionRecord[]>;
  userRecentVisits(platform: string, user: string, limit: number): Promise<PageVisitRecord[]>;
  countEvents(platform: string): Promise<number>;

  /** Distinct users active in each window (same order). */
  countActiveUsers(scope: AppScope, windows: SlotWindow[]): Promise<number[]>;
  /** Users with any activity in the app ever; for the whole platform, every registered user. */
  countKnownUsers(scope: AppScope): Promise<number>;
  /** Every user known to the scope with messages in a window and last activity, filtered. */
  userTable(query: UserTableQuery): Promise<UserTableResult>;
  /** Apps with any activity, by id. */
  listApps(platform: string): Promise<AppRecord[]>;

  /**
   * Deletes raw events older than `before`, at most `limit` of them; returns how many. The rollups
   * stay: the charts and counts keep what those events said.
   */
  deleteEventsBefore(before: number, limit: number): Promise<number>;

  /** Every row of one kind for a platform in key order, streamed (for `rollcall export`). */
  exportRows(platform: string, kind: ExportKind): AsyncIterable<Record<string, unknown>>;

  createOperator(operator: OperatorRecord): Promise<void>;
  getOperator(email: string): Promise<OperatorRecord | null>;

  saveViewerSession(session: ViewerSessionRecord): Promise<void>;
  getViewerSession(idHash: string, now: number): Promise<ViewerSessionRecord | null>;
  deleteViewerSession(idHash: string): Promise<void>;
  /** Ends every session that matches (`rollcall session revoke`); returns how many. */
  deleteViewerSessions(filter: ViewerSessionFilter): Promise<number>;

  /** Read-only links to one app's Users report. */
  readonly shareLinks: ShareLinkStore;
}
