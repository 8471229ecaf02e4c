// One user's engine state as JSON, with the node owning each tab: the value a shared store keeps.
import type {
  ActiveApp,
  Connection,
  PresenceState,
  Session,
  UserPresence,
  UserRow,
} from "../engine/state.js";

/** What is stored per user: the engine's state and, per tab, the node that holds its socket. */
export interface StoredUser {
  presence: StoredPresence;
  /** tab → node id. */
  owners: Record<string, string>;
}

interface StoredPresence {
  platform: string;
  user: string;
  connections: Connection[];
  session: Session | null;
  lastDropAt: number | null;
  activeApps: Array<[string | null, ActiveApp]>;
  row: UserRow;
}

export function encodeUser(presence: UserPresence, owners: Record<string, string>): string {
  const stored: StoredUser = {
    presence: {
      platform: presence.platform,
      user: presence.user,
      connections: [...presence.connections.values()],
      session: presence.session,
      lastDropAt: presence.lastDropAt,
      activeApps: [...presence.activeApps.entries()],
      row: presence.row,
    },
    owners,
  };
  return JSON.stringify(stored);
}

/** Parses a stored value; the store wrote it, so a bad one is a broken invariant and throws. */
export function decodeUser(json: string): StoredUser {
  return JSON.parse(json) as StoredUser;
}

/** A fresh engine user from its stored form (nothing shared with `stored`). */
export function toUserPresence(stored: StoredPresence): UserPresence {
  return {
    platform: stored.platform,
    user: stored.user,
    connections: new Map(stored.connections.map((c) => [c.tab, { ...c }])),
    session: stored.session === null ? null : { ...stored.session },
    lastDropAt: stored.lastDropAt,
    activeApps: new Map(stored.activeApps.map(([app, active]) => [app, { ...active }])),
    row: { ...stored.row },
  };
}

/** Puts one user into `state` (an engine state holding just them, or a replica). */
export function placeUser(state: PresenceState, presence: UserPresence): void {
  let users = state.platforms.get(presence.platform);
  if (users === undefined) {
    users = new Map();
    state.platforms.set(presence.platform, users);
  }
  users.set(presence.user, presence);
  for (const connection of presence.connections.values()) {
    if (connection.connectSeq > state.connectSeq) state.connectSeq = connection.connectSeq;
  }
}
