// Types of the presence engine: its settings, the events it is fed and the changes it decides.
import type { Device, Page, UserStatus } from "@rollcall/protocol";

/** Time rules of DESIGN.md, all in milliseconds. */
export interface PresenceRules {
  /** Tracker heartbeat interval; a WebSocket connection is live while heard from within 2 × this. */
  heartbeatMs: number;
  /** An HTTP-transport connection is live while heard from within this (default 45 s). */
  httpLiveMs: number;
  /** No input for this long (or a hidden tab) makes a connection idle. */
  idleMs: number;
  /** A gap shorter than this does not end a session. */
  graceMs: number;
  /**
   * True with a shared store: the node owning a WebSocket reports its end (close, silence, the
   * node's death) as a `disconnect`, so the engine never times a WebSocket connection out itself.
   */
  isSocketLivenessOwned?: boolean;
}

export type Transport = "ws" | "http";

/** A connection is one tab (or one backend connection) of one user on one platform. */
export interface ConnectionKey {
  platform: string;
  user: string;
  /** Tab id from the tracker (sessionStorage): a reload is the same connection. */
  tab: string;
}

export type PresenceEvent =
  | {
      type: "connect";
      key: ConnectionKey;
      transport: Transport;
      page: Page;
      isVisible: boolean;
      /** Milliseconds since the last input in that tab, if the tracker knows. */
      inputAgoMs?: number;
      device?: Device;
    }
  | { type: "page"; key: ConnectionKey; page: Page }
  | { type: "visibility"; key: ConnectionKey; isVisible: boolean }
  | { type: "input"; key: ConnectionKey }
  /** Anything else received from the connection (heartbeat, event) proves it is alive. */
  | { type: "heartbeat"; key: ConnectionKey }
  /**
   * Socket closed, or the tab said bye. `lastLiveAt`: the last live moment when the reporter
   * knows it is earlier than now (a silent socket, a dead node); default now.
   */
  | { type: "disconnect"; key: ConnectionKey; lastLiveAt?: number }
  /** Time passed: apply heartbeat timeouts, idle-by-no-input and session grace expiry. */
  | { type: "tick" }
  /** After a server restart: sessions that were open, so a reconnect within grace continues them. */
  | { type: "restore"; sessions: RestoredSession[] }
  /** The user was erased: forget them without recording anything. */
  | { type: "forget"; platform: string; user: string };

export interface RestoredSession {
  platform: string;
  user: string;
  startedAt: number;
  /** Last moment a connection of the user was known live. */
  lastLiveAt: number;
}

/** A session ongoing or pending within grace: what the shell persists and later restores. */
export type OpenSession = RestoredSession;

/** A user with a live connection; `lastSeenAt` is the latest moment one was heard from. */
export interface LiveUser {
  platform: string;
  user: string;
  lastSeenAt: number;
  /** Their session's start (a live user's session is ongoing); null only in a torn state. */
  sessionStartedAt: number | null;
}

/** What the engine decided; the shell stores facts and pushes `user` changes to dashboards. */
export type PresenceChange =
  /** The user's row (status, current page, connections, session) changed. */
  | { type: "user"; platform: string; user: string }
  | { type: "sessionStarted"; platform: string; user: string; startedAt: number }
  | { type: "sessionEnded"; platform: string; user: string; startedAt: number; endedAt: number }
  /** A connection arrived on a page (a visit is keyed by user, tab and start). */
  | {
      type: "visitStarted";
      platform: string;
      user: string;
      tab: string;
      page: Page;
      startedAt: number;
    }
  | {
      type: "visitEnded";
      platform: string;
      user: string;
      tab: string;
      startedAt: number;
      endedAt: number;
    }
  /** The user became active (live and not idle) in `app` (null: a page without app). */
  | { type: "activeStarted"; platform: string; user: string; app: string | null; startedAt: number }
  | {
      type: "activeEnded";
      platform: string;
      user: string;
      app: string | null;
      startedAt: number;
      endedAt: number;
    };

/** A user's presence as the engine sees it (read model for the API). */
export interface UserPresenceView {
  platform: string;
  user: string;
  status: UserStatus;
  currentPage: Page | null;
  sessionStartedAt: number | null;
  /** Last moment a connection was live (now, while live). */
  lastLiveAt: number | null;
  connections: ConnectionView[];
}

/** What lists filter and sort on, without the connections: cheap for every user at once. */
export type UserPresenceBrief = Pick<
  UserPresenceView,
  "user" | "status" | "currentPage" | "sessionStartedAt"
>;

export interface ConnectionView {
  tab: string;
  transport: Transport;
  page: Page;
  isVisible: boolean;
  isIdle: boolean;
  isLive: boolean;
  openedAt: number;
  lastSeenAt: number;
  lastInputAt: number;
  /** Last focus, input or navigation: the most recent one gives the user's current page. */
  lastActivityAt: number;
  device: Device | null;
}
