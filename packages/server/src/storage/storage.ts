// The Storage interface: every durable fact Rollcall keeps, in domain verbs, for each adapter.
import type { Page, Viewer } from "@rollcall/protocol";

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
    events: [],
  };
}

export interface Storage {
  /** Brings the schema to the latest version; safe to call on every start. */
  migrate(): Promise<{ applied: number[] }>;
  close(): Promise<void>;

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

  createOperator(operator: OperatorRecord): Promise<void>;
  getOperator(email: string): Promise<OperatorRecord | null>;

  saveViewerSession(session: ViewerSessionRecord): Promise<void>;
  getViewerSession(idHash: string, now: number): Promise<ViewerSessionRecord | null>;
  deleteViewerSession(idHash: string): Promise<void>;
}
