// Connected users API: GET /api/v1/presence, its stream, and the user detail.

export type UserStatus = "online" | "idle" | "offline";

export interface CurrentPage {
  path: string;
  title: string;
  app: string | null;
}

/** One platform user as the Connected users page shows them. */
export interface PresenceUser {
  id: string;
  name: string;
  email: string;
  role: string;
  status: UserStatus;
  currentPage: CurrentPage | null;
  /** ISO 8601; null when no session is open. */
  sessionStartedAt: string | null;
  activeForSeconds: number | null;
  /** ISO 8601: last moment a connection of theirs was live; null if never seen. */
  lastSeenAt: string | null;
  connections: number;
}

export interface PresenceSummary {
  totalUsers: number;
  /** Status online only; the Online now card shows online + idle. */
  online: number;
  idle: number;
  offline: number;
  /** Mean duration of sessions overlapping the last 24 hours, ongoing ones counted up to now. */
  avgSessionSeconds: number;
  /**
   * Seconds `avgSessionSeconds` gains per second while nobody comes or goes (ongoing sessions ÷
   * sessions counted), so a dashboard can keep the number current between updates.
   */
  avgSessionGrowth?: number;
}

export type PresenceSort = "status" | "name" | "email" | "role" | "page" | "activeFor";

/** `GET /api/v1/presence` */
export interface PresenceResponse {
  updatedAt: string;
  summary: PresenceSummary;
  users: PresenceUser[];
  /** Number of users matching the filters (all pages). */
  matched: number;
  nextCursor: string | null;
}

/** SSE `snapshot` event of `GET /api/v1/presence/stream`: every user. */
export interface PresenceSnapshotEvent {
  updatedAt: string;
  /** Increases by one per change event; a gap means a diff was lost and a new snapshot is due. */
  seq: number;
  summary: PresenceSummary;
  users: PresenceUser[];
}

/** SSE `change` event: users whose row changed since the previous event (coalesced). */
export interface PresenceChangeEvent {
  updatedAt: string;
  seq: number;
  summary: PresenceSummary;
  upserts: PresenceUser[];
  /** Ids of users erased from the platform. */
  removes: string[];
}

export interface ConnectionDetail {
  id: string;
  transport: "ws" | "http";
  status: "active" | "idle";
  isVisible: boolean;
  page: CurrentPage | null;
  device: { ua: string | null; browser: string | null; os: string | null };
  openedAt: string;
  lastSeenAt: string;
}

export interface SessionDetail {
  startedAt: string;
  /** null while ongoing */
  endedAt: string | null;
  seconds: number;
}

export interface PageVisitDetail {
  path: string;
  title: string;
  app: string | null;
  startedAt: string;
  endedAt: string | null;
}

/** `GET /api/v1/presence/users/:id` */
export interface UserDetailResponse {
  user: PresenceUser;
  connections: ConnectionDetail[];
  sessionsToday: SessionDetail[];
  recentPages: PageVisitDetail[];
}
