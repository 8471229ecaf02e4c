// Reading the engine: a user's presence at a moment, the live users and the open sessions.
import { isIdleAt, isLiveAt } from "./connection.js";
import { findUser, type PresenceState, type UserPresence } from "./state.js";
import type {
  ConnectionKey,
  ConnectionView,
  LiveUser,
  OpenSession,
  UserPresenceBrief,
  UserPresenceView,
} from "./types.js";
import { currentConnection, sessionStartAt, statusAt } from "./user-row.js";

/**
 * The user's presence at `now`, or null if the engine does not know them (no connection and no
 * session: offline, their last moment is in storage). Deadlines passed since the last tick are
 * already applied here; a connection past its deadline is listed with `isLive: false` until the
 * tick drops it.
 */
export function viewUser(
  state: PresenceState,
  platform: string,
  user: string,
  now: number,
): UserPresenceView | null {
  const presence = findUser(state, platform, user);
  return presence === undefined ? null : toView(state, presence, now);
}

/** Every user of the platform the engine knows (a connection, or a session open or pending). */
export function* listUserViews(
  state: PresenceState,
  platform: string,
  now: number,
): Iterable<UserPresenceView> {
  const users = state.platforms.get(platform);
  if (users === undefined) return;
  for (const presence of users.values()) yield toView(state, presence, now);
}

/** listUserViews without building each connection's view: for lists of every user. */
export function* listUserBriefs(
  state: PresenceState,
  platform: string,
  now: number,
): Iterable<UserPresenceBrief> {
  const users = state.platforms.get(platform);
  if (users === undefined) return;
  for (const presence of users.values()) yield toBrief(state, presence, now);
}

/** viewUser without the connections' views: what a list keeps of one user. */
export function briefUser(
  state: PresenceState,
  platform: string,
  user: string,
  now: number,
): UserPresenceBrief | null {
  const presence = findUser(state, platform, user);
  return presence === undefined ? null : toBrief(state, presence, now);
}

function toBrief(state: PresenceState, presence: UserPresence, now: number): UserPresenceBrief {
  const { idleMs, graceMs } = state.rules;
  return {
    user: presence.user,
    status: statusAt(presence, now, idleMs),
    currentPage: currentConnection(presence, now)?.page ?? null,
    sessionStartedAt: sessionStartAt(presence, now, graceMs),
  };
}

/** Users with a live connection (all platforms unless one is given), as of the last event. */
export function* liveUsers(state: PresenceState, platform?: string): Iterable<LiveUser> {
  for (const [platformId, users] of state.platforms) {
    if (platform !== undefined && platformId !== platform) continue;
    for (const presence of users.values()) {
      if (presence.connections.size === 0) continue;
      let lastSeenAt = Number.NEGATIVE_INFINITY;
      for (const connection of presence.connections.values()) {
        if (connection.lastSeenAt > lastSeenAt) lastSeenAt = connection.lastSeenAt;
      }
      const sessionStartedAt = presence.session?.startedAt ?? null;
      yield { platform: platformId, user: presence.user, lastSeenAt, sessionStartedAt };
    }
  }
}

/** Sessions ongoing or pending within grace: what to persist so `restore` can continue them. */
export function openSessions(state: PresenceState): OpenSession[] {
  const sessions: OpenSession[] = [];
  for (const users of state.platforms.values()) {
    for (const presence of users.values()) {
      const session = presence.session;
      if (session === null) continue;
      sessions.push({
        platform: presence.platform,
        user: presence.user,
        startedAt: session.startedAt,
        lastLiveAt: session.pendingEnd ?? lastLiveMoment(presence) ?? session.startedAt,
      });
    }
  }
  return sessions;
}

/** Whether the engine holds this tab's connection; if not, the tracker must say hello again. */
export function hasConnection(state: PresenceState, key: ConnectionKey): boolean {
  return findUser(state, key.platform, key.user)?.connections.has(key.tab) ?? false;
}

function toView(state: PresenceState, presence: UserPresence, now: number): UserPresenceView {
  const { idleMs, graceMs } = state.rules;
  const connections: ConnectionView[] = [];
  let isLive = false;
  for (const connection of presence.connections.values()) {
    const isConnectionLive = isLiveAt(connection, now);
    if (isConnectionLive) isLive = true;
    connections.push({
      tab: connection.tab,
      transport: connection.transport,
      page: connection.page,
      isVisible: connection.isVisible,
      isIdle: isIdleAt(connection, now, idleMs),
      isLive: isConnectionLive,
      openedAt: connection.openedAt,
      lastSeenAt: connection.lastSeenAt,
      lastInputAt: connection.lastInputAt,
      lastActivityAt: connection.lastActivityAt,
      device: connection.device,
    });
  }
  return {
    platform: presence.platform,
    user: presence.user,
    status: statusAt(presence, now, idleMs),
    currentPage: currentConnection(presence, now)?.page ?? null,
    sessionStartedAt: sessionStartAt(presence, now, graceMs),
    lastLiveAt: isLive ? now : lastLiveMoment(presence),
    connections,
  };
}

/** Latest moment a connection was heard from or dropped; null if never. */
function lastLiveMoment(presence: UserPresence): number | null {
  let last = presence.lastDropAt;
  for (const connection of presence.connections.values()) {
    if (last === null || connection.lastSeenAt > last) last = connection.lastSeenAt;
  }
  return last;
}

/** Apps each user is active in right now (as of the last event), with when that began. */
export function* activeApps(
  state: PresenceState,
): Iterable<{ platform: string; user: string; app: string | null; startedAt: number }> {
  for (const [platform, users] of state.platforms) {
    for (const presence of users.values()) {
      for (const [app, active] of presence.activeApps) {
        yield { platform, user: presence.user, app, startedAt: active.startedAt };
      }
    }
  }
}
