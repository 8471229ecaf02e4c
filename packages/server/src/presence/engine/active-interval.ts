// Active intervals: a user is active in an app while a live, non-idle connection is on that app.
import type { Connection, UserPresence } from "./state.js";
import type { PresenceChange } from "./types.js";

/**
 * Makes `connection` count (or not) toward the active interval of its page's app, as of `at`.
 * A connection that changed app stops counting in the old one and starts in the new one.
 */
export function syncActivity(
  presence: UserPresence,
  connection: Connection,
  isActive: boolean,
  at: number,
  changes: PresenceChange[],
): void {
  const app = connection.page.app ?? null;
  if (connection.isActive && (!isActive || connection.activeApp !== app)) {
    stopActivity(presence, connection, at, changes);
  }
  if (isActive && !connection.isActive) {
    connection.isActive = true;
    connection.activeApp = app;
    const interval = presence.activeApps.get(app);
    if (interval !== undefined) {
      interval.connections += 1;
      return;
    }
    presence.activeApps.set(app, { startedAt: at, connections: 1, lastStopAt: at });
    changes.push({
      type: "activeStarted",
      platform: presence.platform,
      user: presence.user,
      app,
      startedAt: at,
    });
  }
}

/**
 * The connection stops counting at `at`. Stops may be reported out of order (a timeout is
 * found late and dates back to the last heartbeat), so the interval ends at the latest stop.
 */
export function stopActivity(
  presence: UserPresence,
  connection: Connection,
  at: number,
  changes: PresenceChange[],
): void {
  if (!connection.isActive) return;
  connection.isActive = false;
  const app = connection.activeApp;
  const interval = presence.activeApps.get(app);
  if (interval === undefined) return;
  interval.connections -= 1;
  if (at > interval.lastStopAt) interval.lastStopAt = at;
  if (interval.connections > 0) return;
  presence.activeApps.delete(app);
  changes.push({
    type: "activeEnded",
    platform: presence.platform,
    user: presence.user,
    app,
    startedAt: interval.startedAt,
    endedAt: interval.lastStopAt,
  });
}
