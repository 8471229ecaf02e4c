// A user's Connected users row (status, current page, tabs, session) and its `user` change.
import type { UserStatus } from "@rollcall/protocol";
import { isIdleAt, isLiveAt } from "./connection.js";
import type { Connection, PresenceState, UserPresence } from "./state.js";
import type { PresenceChange } from "./types.js";

export function statusAt(presence: UserPresence, now: number, idleMs: number): UserStatus {
  let status: UserStatus = "offline";
  for (const connection of presence.connections.values()) {
    if (!isLiveAt(connection, now)) continue;
    if (!isIdleAt(connection, now, idleMs)) return "online";
    status = "idle";
  }
  return status;
}

/** The live connection with the latest focus, input or navigation; ties go to the latest connect. */
export function currentConnection(presence: UserPresence, now: number): Connection | null {
  let current: Connection | null = null;
  for (const connection of presence.connections.values()) {
    if (!isLiveAt(connection, now)) continue;
    if (
      current === null ||
      connection.lastActivityAt > current.lastActivityAt ||
      (connection.lastActivityAt === current.lastActivityAt &&
        connection.connectSeq > current.connectSeq)
    ) {
      current = connection;
    }
  }
  return current;
}

export function liveConnectionCount(presence: UserPresence, now: number): number {
  let count = 0;
  for (const connection of presence.connections.values()) {
    if (isLiveAt(connection, now)) count += 1;
  }
  return count;
}

/** The session's start, while it is ongoing or pending within grace at `now`. */
export function sessionStartAt(
  presence: UserPresence,
  now: number,
  graceMs: number,
): number | null {
  const session = presence.session;
  if (session === null) return null;
  if (session.pendingEnd !== null && now >= session.pendingEnd + graceMs) return null;
  return session.startedAt;
}

/** Recomputes the row at `now` and pushes one `user` change if anything shown in it changed. */
export function refreshRow(
  state: PresenceState,
  presence: UserPresence,
  now: number,
  changes: PresenceChange[],
): void {
  const { idleMs, graceMs } = state.rules;
  const status = statusAt(presence, now, idleMs);
  const page = currentConnection(presence, now)?.page ?? null;
  const path = page === null ? null : page.path;
  const title = page === null ? null : page.title;
  const app = page === null ? null : (page.app ?? null);
  const connections = liveConnectionCount(presence, now);
  const sessionStartedAt = sessionStartAt(presence, now, graceMs);
  const row = presence.row;
  if (
    row.status === status &&
    row.path === path &&
    row.title === title &&
    row.app === app &&
    row.connections === connections &&
    row.sessionStartedAt === sessionStartedAt
  ) {
    return;
  }
  row.status = status;
  row.path = path;
  row.title = title;
  row.app = app;
  row.connections = connections;
  row.sessionStartedAt = sessionStartedAt;
  changes.push({ type: "user", platform: presence.platform, user: presence.user });
}
