// Sessions: start on coming online, survive gaps shorter than the grace, end at the last live moment.
import type { UserPresence } from "./state.js";
import type { PresenceChange } from "./types.js";

/**
 * A connection of the user is live at `now`: continue the session (pending or not) or start
 * one. A pending session past its grace must have been expired before (see `expireSession`).
 */
export function joinSession(presence: UserPresence, now: number, changes: PresenceChange[]): void {
  if (presence.session !== null) {
    presence.session.pendingEnd = null;
    return;
  }
  presence.session = { startedAt: now, pendingEnd: null };
  changes.push({
    type: "sessionStarted",
    platform: presence.platform,
    user: presence.user,
    startedAt: now,
  });
}

/** After a connection dropped: with none left, the session waits for the grace to pass. */
export function leaveSession(presence: UserPresence): void {
  const session = presence.session;
  if (session === null || session.pendingEnd !== null || presence.connections.size > 0) return;
  session.pendingEnd = Math.max(presence.lastDropAt ?? session.startedAt, session.startedAt);
}

/** When a session pending at `now` is over: no connection came back before this. */
export function sessionExpiresAt(presence: UserPresence, graceMs: number): number {
  const end = presence.session?.pendingEnd;
  return end === null || end === undefined ? Number.POSITIVE_INFINITY : end + graceMs;
}

/** Ends the session if it has been pending for the whole grace by `now`. */
export function expireSession(
  presence: UserPresence,
  now: number,
  graceMs: number,
  changes: PresenceChange[],
): void {
  const session = presence.session;
  if (session === null || session.pendingEnd === null || now < session.pendingEnd + graceMs) return;
  presence.session = null;
  changes.push({
    type: "sessionEnded",
    platform: presence.platform,
    user: presence.user,
    startedAt: session.startedAt,
    endedAt: session.pendingEnd,
  });
}
