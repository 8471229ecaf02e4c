// A node's copy of every user's shared presence: what its dashboards read, kept current by pub/sub.
import { decodeUser, placeUser, type StoredUser, toUserPresence } from "./presence-codec.js";
import { createPresenceState, findUser, type PresenceState, removeUser } from "./state.js";
import type { ConnectionKey, PresenceRules } from "./types.js";

interface Entry {
  rev: number;
  owners: Record<string, string>;
}

/** One user's value at a revision; `data` null: the user is not held (a tombstone). */
export interface ReplicaUpdate {
  platform: string;
  user: string;
  rev: number;
  data: string | null;
}

export class PresenceReplica {
  /** An engine state read with the engine's view functions; never fed events. */
  readonly state: PresenceState;
  /** platform\0user → revision and owners; kept for tombstones too, so old news cannot revive. */
  private readonly entries = new Map<string, Entry>();

  constructor(rules: PresenceRules) {
    this.state = createPresenceState(rules);
  }

  /** Applies an update newer than what is held; returns whether it was. */
  apply(update: ReplicaUpdate): boolean {
    const id = `${update.platform}\u0000${update.user}`;
    const held = this.entries.get(id);
    if (held !== undefined && held.rev >= update.rev) return false;
    this.set(
      id,
      update.platform,
      update.user,
      update.rev,
      update.data === null ? null : decodeUser(update.data),
    );
    return true;
  }

  /** Replaces everything with a snapshot; returns the users whose value changed. */
  reset(snapshot: ReplicaUpdate[]): Array<{ platform: string; user: string }> {
    const changed: Array<{ platform: string; user: string }> = [];
    const seen = new Set<string>();
    for (const update of snapshot) {
      const id = `${update.platform}\u0000${update.user}`;
      seen.add(id);
      if (this.entries.get(id)?.rev === update.rev) continue;
      const data = update.data === null ? null : decodeUser(update.data);
      this.set(id, update.platform, update.user, update.rev, data);
      changed.push({ platform: update.platform, user: update.user });
    }
    for (const id of [...this.entries.keys()]) {
      if (seen.has(id)) continue;
      const [platform = "", user = ""] = id.split("\u0000");
      this.entries.delete(id);
      if (findUser(this.state, platform, user) === undefined) continue;
      removeUser(this.state, platform, user);
      changed.push({ platform, user });
    }
    return changed;
  }

  rev(platform: string, user: string): number {
    return this.entries.get(`${platform}\u0000${user}`)?.rev ?? 0;
  }

  /** The node holding the tab's socket, if the tab is connected. */
  ownerOf(key: ConnectionKey): string | undefined {
    return this.entries.get(`${key.platform}\u0000${key.user}`)?.owners[key.tab];
  }

  transportOf(key: ConnectionKey): "ws" | "http" | undefined {
    return findUser(this.state, key.platform, key.user)?.connections.get(key.tab)?.transport;
  }

  /** Every tab whose socket `node` holds. */
  *tabsOwnedBy(node: string): Iterable<ConnectionKey> {
    for (const [id, entry] of this.entries) {
      const [platform = "", user = ""] = id.split("\u0000");
      for (const [tab, owner] of Object.entries(entry.owners)) {
        if (owner === node) yield { platform, user, tab };
      }
    }
  }

  /** Whether any tab of the user is held by `node`. */
  hasTabOf(platform: string, user: string, node: string): boolean {
    const owners = this.entries.get(`${platform}\u0000${user}`)?.owners ?? {};
    return Object.values(owners).includes(node);
  }

  private set(
    id: string,
    platform: string,
    user: string,
    rev: number,
    stored: StoredUser | null,
  ): void {
    this.entries.set(id, { rev, owners: stored?.owners ?? {} });
    if (stored === null) removeUser(this.state, platform, user);
    else placeUser(this.state, toUserPresence(stored.presence));
  }
}
