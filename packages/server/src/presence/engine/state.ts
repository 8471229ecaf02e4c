// The engine's in-memory state: users per platform, their connections, session and active apps.
import type { Device, Page, UserStatus } from "@rollcall/protocol";
import type { PresenceRules, Transport } from "./types.js";

/** One live tab of a user. Kept only while live: a dropped connection is deleted. */
export interface Connection {
  readonly tab: string;
  transport: Transport;
  /** How long after `lastSeenAt` the connection stays live: 2 × heartbeat (ws) or httpLiveMs. */
  liveMs: number;
  page: Page;
  isVisible: boolean;
  openedAt: number;
  lastSeenAt: number;
  lastInputAt: number;
  lastActivityAt: number;
  /** Engine-wide order of connects: the most recent connect wins a tie of `lastActivityAt`. */
  connectSeq: number;
  device: Device | null;
  /** Start of the current page visit. */
  visitStartedAt: number;
  /** Counted in the user's `activeApps` under `activeApp` (live, visible, not idle). */
  isActive: boolean;
  activeApp: string | null;
}

export interface Session {
  startedAt: number;
  /** null while a connection is live; else the last live moment (pending within grace). */
  pendingEnd: number | null;
}

/** An open active interval of a user in one app, shared by the connections counted in it. */
export interface ActiveApp {
  startedAt: number;
  connections: number;
  /** Latest moment a connection stopped counting: the interval's end once none is left. */
  lastStopAt: number;
}

/** The user's row as last announced with a `user` change. */
export interface UserRow {
  status: UserStatus;
  path: string | null;
  title: string | null;
  app: string | null;
  connections: number;
  sessionStartedAt: number | null;
}

export interface UserPresence {
  readonly platform: string;
  readonly user: string;
  readonly connections: Map<string, Connection>;
  session: Session | null;
  /** Latest last-live moment of a dropped connection; null if none dropped yet. */
  lastDropAt: number | null;
  readonly activeApps: Map<string | null, ActiveApp>;
  readonly row: UserRow;
}

/**
 * Everything the engine knows. Treat it as opaque outside `presence/`: read it through the
 * view functions and change it only with `applyPresenceEvent`.
 */
export interface PresenceState {
  readonly rules: PresenceRules;
  /** platform → user → presence; a user is kept while they have a connection or a session. */
  readonly platforms: Map<string, Map<string, UserPresence>>;
  /** No deadline (timeout, idle, grace) falls before this: a tick earlier has nothing to do. */
  nextDueAt: number;
  connectSeq: number;
}

/** An empty engine following `rules`. */
export function createPresenceState(rules: PresenceRules): PresenceState {
  return { rules, platforms: new Map(), nextDueAt: Number.POSITIVE_INFINITY, connectSeq: 0 };
}

export function findUser(
  state: PresenceState,
  platform: string,
  user: string,
): UserPresence | undefined {
  return state.platforms.get(platform)?.get(user);
}

export function findOrAddUser(state: PresenceState, platform: string, user: string): UserPresence {
  let users = state.platforms.get(platform);
  if (users === undefined) {
    users = new Map();
    state.platforms.set(platform, users);
  }
  let presence = users.get(user);
  if (presence === undefined) {
    presence = {
      platform,
      user,
      connections: new Map(),
      session: null,
      lastDropAt: null,
      activeApps: new Map(),
      row: {
        status: "offline",
        path: null,
        title: null,
        app: null,
        connections: 0,
        sessionStartedAt: null,
      },
    };
    users.set(user, presence);
  }
  return presence;
}

export function removeUser(state: PresenceState, platform: string, user: string): void {
  const users = state.platforms.get(platform);
  if (users === undefined) return;
  users.delete(user);
  if (users.size === 0) state.platforms.delete(platform);
}
