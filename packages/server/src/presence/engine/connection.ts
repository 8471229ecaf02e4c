// Connections: when a tab is live or idle, its page visits, and opening or dropping it.
import type { Page } from "@rollcall/protocol";
import { stopActivity } from "./active-interval.js";
import { leaveSession } from "./session.js";
import type { Connection, PresenceState, UserPresence } from "./state.js";
import type { PresenceChange, PresenceEvent, PresenceRules, Transport } from "./types.js";

type ConnectEvent = Extract<PresenceEvent, { type: "connect" }>;

// Every deadline is reached at its exact moment: live while now < lastSeenAt + liveMs, idle
// from lastInputAt + idleMs on, and a session continues only if a tab is back before end + grace.

export function isLiveAt(connection: Connection, now: number): boolean {
  return now < connection.lastSeenAt + connection.liveMs;
}

export function isIdleAt(connection: Connection, now: number, idleMs: number): boolean {
  return !connection.isVisible || now >= connection.lastInputAt + idleMs;
}

/** Live and not idle: the connection makes its user online and active in its app. */
export function isActiveAt(connection: Connection, now: number, idleMs: number): boolean {
  return isLiveAt(connection, now) && !isIdleAt(connection, now, idleMs);
}

/** Liveness of a WebSocket its owning node vouches for: longer than any deployment runs. */
export const OWNED_LIVE_MS = 2 ** 45;

function liveMsFor(rules: PresenceRules, transport: Transport): number {
  if (transport === "http") return rules.httpLiveMs;
  return rules.isSocketLivenessOwned === true ? OWNED_LIVE_MS : 2 * rules.heartbeatMs;
}

/**
 * Opens the tab's connection with a new page visit. The same tab connecting again (a reload,
 * a new socket) reuses its record: the old visit ends now and a new one starts.
 */
export function openConnection(
  state: PresenceState,
  presence: UserPresence,
  event: ConnectEvent,
  now: number,
  changes: PresenceChange[],
): Connection {
  const tab = event.key.tab;
  let connection = presence.connections.get(tab);
  if (connection === undefined) {
    connection = {
      tab,
      transport: event.transport,
      liveMs: 0,
      page: event.page,
      isVisible: event.isVisible,
      openedAt: now,
      lastSeenAt: now,
      lastInputAt: now,
      lastActivityAt: now,
      connectSeq: 0,
      device: null,
      visitStartedAt: now,
      isActive: false,
      activeApp: null,
    };
    presence.connections.set(tab, connection);
  } else {
    endVisit(presence, connection, now, changes);
  }
  state.connectSeq += 1;
  connection.transport = event.transport;
  connection.liveMs = liveMsFor(state.rules, event.transport);
  connection.page = event.page;
  connection.isVisible = event.isVisible;
  connection.openedAt = now;
  connection.lastSeenAt = now;
  connection.lastInputAt = now - Math.max(0, event.inputAgoMs ?? 0);
  connection.lastActivityAt = now;
  connection.connectSeq = state.connectSeq;
  connection.device = event.device ?? null;
  startVisit(presence, connection, now, changes);
  return connection;
}

/**
 * The tab reports its page. A new path or app is a navigation: a new visit and fresh activity.
 * A title-only change just updates the page. Returns whether it was a navigation.
 */
export function changePage(
  presence: UserPresence,
  connection: Connection,
  page: Page,
  now: number,
  changes: PresenceChange[],
): boolean {
  const isNavigation =
    page.path !== connection.page.path || (page.app ?? null) !== (connection.page.app ?? null);
  if (isNavigation) endVisit(presence, connection, now, changes);
  connection.page = page;
  if (!isNavigation) return false;
  connection.lastActivityAt = now;
  startVisit(presence, connection, now, changes);
  return true;
}

/**
 * Drops the connection whose last live moment was `lastLiveAt` (now on disconnect, its last
 * heartbeat on timeout): its activity and visit end, and a session with no tab left goes pending.
 */
export function dropConnection(
  presence: UserPresence,
  connection: Connection,
  lastLiveAt: number,
  idleMs: number,
  changes: PresenceChange[],
): void {
  // It may have gone idle (no input) before it fell silent.
  stopActivity(
    presence,
    connection,
    Math.min(lastLiveAt, connection.lastInputAt + idleMs),
    changes,
  );
  endVisit(presence, connection, lastLiveAt, changes);
  presence.connections.delete(connection.tab);
  if (presence.lastDropAt === null || lastLiveAt > presence.lastDropAt) {
    presence.lastDropAt = lastLiveAt;
  }
  leaveSession(presence);
}

function startVisit(
  presence: UserPresence,
  connection: Connection,
  now: number,
  changes: PresenceChange[],
): void {
  connection.visitStartedAt = now;
  changes.push({
    type: "visitStarted",
    platform: presence.platform,
    user: presence.user,
    tab: connection.tab,
    page: connection.page,
    startedAt: now,
  });
}

function endVisit(
  presence: UserPresence,
  connection: Connection,
  at: number,
  changes: PresenceChange[],
): void {
  changes.push({
    type: "visitEnded",
    platform: presence.platform,
    user: presence.user,
    tab: connection.tab,
    startedAt: connection.visitStartedAt,
    endedAt: Math.max(at, connection.visitStartedAt),
  });
}
