// The presence engine: a pure state machine fed events with the time, deciding the facts to store.
import { stopActivity, syncActivity } from "./active-interval.js";
import { changePage, dropConnection, isActiveAt, isLiveAt, openConnection } from "./connection.js";
import { expireSession, joinSession, sessionExpiresAt } from "./session.js";
import {
  findOrAddUser,
  findUser,
  type PresenceState,
  removeUser,
  type UserPresence,
} from "./state.js";
import type { PresenceChange, PresenceEvent, RestoredSession } from "./types.js";
import { refreshRow } from "./user-row.js";

export { createPresenceState, type PresenceState } from "./state.js";
export {
  activeApps,
  briefUser,
  hasConnection,
  listUserBriefs,
  listUserViews,
  liveUsers,
  openSessions,
  viewUser,
} from "./view.js";

type ConnectEvent = Extract<PresenceEvent, { type: "connect" }>;
type TabEvent = Extract<
  PresenceEvent,
  { type: "page" | "visibility" | "input" | "heartbeat" | "disconnect" }
>;

/**
 * Applies `event` at `now` (milliseconds, never decreasing between calls), mutating `state` in
 * place, and returns what changed: facts to store and at most one `user` change per user.
 * Deterministic: no timers, clock or I/O.
 */
export function applyPresenceEvent(
  state: PresenceState,
  event: PresenceEvent,
  now: number,
): PresenceChange[] {
  const changes: PresenceChange[] = [];
  switch (event.type) {
    case "tick":
      tick(state, now, changes);
      break;
    case "connect":
      connect(state, event, now, changes);
      break;
    case "restore":
      restore(state, event.sessions, now, changes);
      break;
    case "forget":
      // Erasure: nothing of the user may be recorded, not even the end of their session.
      removeUser(state, event.platform, event.user);
      break;
    default:
      onTabEvent(state, event, now, changes);
  }
  return changes;
}

function connect(
  state: PresenceState,
  event: ConnectEvent,
  now: number,
  changes: PresenceChange[],
): void {
  const presence = findOrAddUser(state, event.key.platform, event.key.user);
  settleUser(state, presence, now, changes);
  joinSession(presence, now, changes);
  const connection = openConnection(state, presence, event, now, changes);
  syncActivity(presence, connection, isActiveAt(connection, now, state.rules.idleMs), now, changes);
  finishUser(state, presence, now, changes);
}

/**
 * An event for a tab the engine does not hold (never connected, or already dropped by a
 * timeout) changes nothing: a heartbeat cannot tell the page, visibility or input state, so
 * guessing would invent facts. The shell sees it with `hasConnection` and asks the tracker to
 * say hello again, which arrives as a `connect`.
 */
function onTabEvent(
  state: PresenceState,
  event: TabEvent,
  now: number,
  changes: PresenceChange[],
): void {
  const { platform, user, tab } = event.key;
  const presence = findUser(state, platform, user);
  if (presence === undefined) return;
  // Deadlines passed since the last tick happen first, at their own moments.
  settleUser(state, presence, now, changes);
  const connection = presence.connections.get(tab);
  if (connection !== undefined) {
    const { idleMs } = state.rules;
    const lastSeenAt = connection.lastSeenAt;
    connection.lastSeenAt = now;
    switch (event.type) {
      case "page":
        changePage(presence, connection, event.page, now, changes);
        break;
      case "visibility":
        connection.isVisible = event.isVisible;
        // Showing or focusing a tab is the user acting in it.
        if (event.isVisible) {
          connection.lastInputAt = now;
          connection.lastActivityAt = now;
        }
        break;
      case "input":
        connection.lastInputAt = now;
        connection.lastActivityAt = now;
        break;
      case "heartbeat":
        break;
      case "disconnect": {
        // Never before what the engine already saw of it, never after now.
        const lastLiveAt = Math.min(now, Math.max(event.lastLiveAt ?? now, lastSeenAt));
        dropConnection(presence, connection, lastLiveAt, idleMs, changes);
        break;
      }
    }
    if (event.type !== "disconnect") {
      syncActivity(presence, connection, isActiveAt(connection, now, idleMs), now, changes);
    }
  }
  finishUser(state, presence, now, changes);
}

/**
 * After a restart, the sessions that were open wait, pending from their last live moment, for
 * a tab to come back within grace. Restore before accepting connections: a user who already
 * has another session here gets the restored one ended at its last live moment.
 */
function restore(
  state: PresenceState,
  sessions: readonly RestoredSession[],
  now: number,
  changes: PresenceChange[],
): void {
  for (const restored of sessions) {
    const presence = findOrAddUser(state, restored.platform, restored.user);
    const lastLiveAt = Math.max(restored.lastLiveAt, restored.startedAt);
    if (presence.session === null) {
      presence.session = { startedAt: restored.startedAt, pendingEnd: lastLiveAt };
      if (presence.lastDropAt === null || lastLiveAt > presence.lastDropAt) {
        presence.lastDropAt = lastLiveAt;
      }
    } else if (presence.session.startedAt !== restored.startedAt) {
      changes.push({
        type: "sessionEnded",
        platform: restored.platform,
        user: restored.user,
        startedAt: restored.startedAt,
        endedAt: lastLiveAt,
      });
    }
    finishUser(state, presence, now, changes);
  }
}

/** Applies every deadline reached by `now`; skips the scan when none can be due yet. */
function tick(state: PresenceState, now: number, changes: PresenceChange[]): void {
  if (now < state.nextDueAt) return;
  let nextDueAt = Number.POSITIVE_INFINITY;
  for (const users of state.platforms.values()) {
    for (const presence of users.values()) {
      const before = changes.length;
      settleUser(state, presence, now, changes);
      // Every change of state below emits a fact, so no fact means the row is unchanged.
      if (changes.length !== before) {
        refreshRow(state, presence, now, changes);
        if (isForgettable(presence)) {
          removeUser(state, presence.platform, presence.user);
          continue;
        }
      }
      const due = dueAt(state, presence);
      if (due < nextDueAt) nextDueAt = due;
    }
  }
  state.nextDueAt = nextDueAt;
}

/** Drops timed-out connections, ends activity gone idle and sessions past grace, as of `now`. */
function settleUser(
  state: PresenceState,
  presence: UserPresence,
  now: number,
  changes: PresenceChange[],
): void {
  const { idleMs, graceMs } = state.rules;
  for (const connection of presence.connections.values()) {
    if (!isLiveAt(connection, now)) {
      // Silent too long: its last live moment is when it was last heard from.
      dropConnection(presence, connection, connection.lastSeenAt, idleMs, changes);
    } else if (connection.isActive && now >= connection.lastInputAt + idleMs) {
      stopActivity(presence, connection, connection.lastInputAt + idleMs, changes);
    }
  }
  expireSession(presence, now, graceMs, changes);
}

/** Announces the row, forgets a user with nothing left, and makes sure the next tick looks. */
function finishUser(
  state: PresenceState,
  presence: UserPresence,
  now: number,
  changes: PresenceChange[],
): void {
  refreshRow(state, presence, now, changes);
  if (isForgettable(presence)) {
    removeUser(state, presence.platform, presence.user);
    return;
  }
  const due = dueAt(state, presence);
  if (due < state.nextDueAt) state.nextDueAt = due;
}

/** Offline with no session: storage holds the rest, the engine need not keep the user. */
function isForgettable(presence: UserPresence): boolean {
  return presence.session === null && presence.connections.size === 0;
}

/** The user's earliest deadline: a timeout, a connection going idle, or the grace running out. */
function dueAt(state: PresenceState, presence: UserPresence): number {
  const { idleMs, graceMs } = state.rules;
  let due = sessionExpiresAt(presence, graceMs);
  for (const connection of presence.connections.values()) {
    const timeoutAt = connection.lastSeenAt + connection.liveMs;
    if (timeoutAt < due) due = timeoutAt;
    if (connection.isActive && connection.lastInputAt + idleMs < due) {
      due = connection.lastInputAt + idleMs;
    }
  }
  return due;
}
