// A node's copy of every user's shared presence: what its dashboards read, kept current by pub/sub.

import {
  createPresenceState,
  findUser,
  type PresenceState,
  removeUser,
  type UserPresence,
} from "../engine/state.js";
import type { ConnectionKey, PresenceRules } from "../engine/types.js";
import { decodeUser, encodeUser, placeUser, toUserPresence } from "./presence-codec.js";
import { copyUser, isSameRecord, mergeUser } from "./user-copy.js";

interface Entry {
  platform: string;
  user: string;
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
  /**
   * node → the users (entry ids) with a tab whose socket it holds: a node's own tabs are read
   * every few seconds, and a cluster's replica holds every node's users.
   */
  private readonly byOwner = new Map<string, Set<string>>();

  constructor(rules: PresenceRules) {
    this.state = createPresenceState(rules);
  }

  /** Applies an update newer than what is held; returns whether it was. */
  apply(update: ReplicaUpdate): boolean {
    const id = `${update.platform}\u0000${update.user}`;
    const held = this.entries.get(id);
    if (held !== undefined && held.rev >= update.rev) return false;
    this.setDecoded(id, update);
    return true;
  }

  /**
   * This node's own write at `rev`, applied before other nodes hear of it: the user decided
   * (`undefined`: not held) and their tabs' owners. Both are the writer's own copies, given
   * over: the replica may keep their objects.
   */
  applyWritten(
    platform: string,
    user: string,
    rev: number,
    presence: UserPresence | undefined,
    owners: Record<string, string>,
  ): void {
    const id = `${platform}\u0000${user}`;
    const held = this.entries.get(id);
    if (held !== undefined && held.rev >= rev) return;
    this.set(id, platform, user, rev, presence ?? null, owners);
  }

  /** Replaces everything with a snapshot; returns the users whose value changed. */
  reset(snapshot: ReplicaUpdate[]): Array<{ platform: string; user: string }> {
    const changed: Array<{ platform: string; user: string }> = [];
    const seen = new Set<string>();
    for (const update of snapshot) {
      const id = `${update.platform}\u0000${update.user}`;
      seen.add(id);
      if (this.entries.get(id)?.rev === update.rev) continue;
      this.setDecoded(id, update);
      changed.push({ platform: update.platform, user: update.user });
    }
    for (const [id, { platform, user, owners }] of [...this.entries]) {
      if (seen.has(id)) continue;
      this.entries.delete(id);
      this.unindex(id, owners);
      if (findUser(this.state, platform, user) === undefined) continue;
      removeUser(this.state, platform, user);
      changed.push({ platform, user });
    }
    return changed;
  }

  /**
   * The user at the revision held here (`presence` undefined: not held) and their tabs' owners,
   * as copies: deciding on them never touches the replica.
   */
  copy(
    platform: string,
    user: string,
  ): { rev: number; presence: UserPresence | undefined; owners: Record<string, string> } {
    const entry = this.entries.get(`${platform}\u0000${user}`);
    if (entry === undefined) return { rev: 0, presence: undefined, owners: {} };
    const presence = findUser(this.state, platform, user);
    return {
      rev: entry.rev,
      presence: presence === undefined ? undefined : copyUser(presence),
      owners: { ...entry.owners },
    };
  }

  /** The user's value as the writers store it ("" : not held), at the revision held here. */
  encoded(platform: string, user: string): string {
    const entry = this.entries.get(`${platform}\u0000${user}`);
    const presence = findUser(this.state, platform, user);
    return entry === undefined || presence === undefined ? "" : encodeUser(presence, entry.owners);
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

  /** tab → the node holding its socket, for each of the user's connected tabs. */
  ownersOf(platform: string, user: string): Readonly<Record<string, string>> {
    return this.entries.get(`${platform}\u0000${user}`)?.owners ?? {};
  }

  /** Every tab whose socket `node` holds. */
  *tabsOwnedBy(node: string): Iterable<ConnectionKey> {
    for (const id of this.byOwner.get(node) ?? []) {
      const entry = this.entries.get(id);
      if (entry === undefined) continue;
      for (const [tab, owner] of Object.entries(entry.owners)) {
        if (owner === node) yield { platform: entry.platform, user: entry.user, tab };
      }
    }
  }

  /** The users with a tab whose socket `node` holds. */
  *usersOwnedBy(node: string): Iterable<{ platform: string; user: string }> {
    for (const id of this.byOwner.get(node) ?? []) {
      const entry = this.entries.get(id);
      if (entry !== undefined) yield entry;
    }
  }

  private setDecoded(id: string, update: ReplicaUpdate): void {
    const stored = update.data === null ? null : decodeUser(update.data);
    const presence = stored === null ? null : toUserPresence(stored.presence);
    this.set(id, update.platform, update.user, update.rev, presence, stored?.owners ?? {});
  }

  /**
   * Brings the user up to `rev`, changing the held objects in place rather than replacing them
   * (see mergeUser): most of a user stays as it was from one change to the next.
   */
  private set(
    id: string,
    platform: string,
    user: string,
    rev: number,
    presence: UserPresence | null,
    owners: Record<string, string>,
  ): void {
    const held = this.entries.get(id);
    if (held === undefined) {
      this.entries.set(id, { platform, user, rev, owners });
      this.index(id, owners);
    } else {
      held.rev = rev;
      if (!isSameRecord(held.owners, owners)) {
        this.unindex(id, held.owners);
        held.owners = owners;
        this.index(id, owners);
      }
    }
    if (presence === null) {
      removeUser(this.state, platform, user);
      return;
    }
    const current = findUser(this.state, platform, user);
    if (current !== undefined) mergeUser(current, presence);
    placeUser(this.state, current ?? presence);
  }

  private index(id: string, owners: Record<string, string>): void {
    for (const node of Object.values(owners)) {
      let users = this.byOwner.get(node);
      if (users === undefined) {
        users = new Set();
        this.byOwner.set(node, users);
      }
      users.add(id);
    }
  }

  private unindex(id: string, owners: Record<string, string>): void {
    for (const node of Object.values(owners)) {
      const users = this.byOwner.get(node);
      users?.delete(id);
      if (users?.size === 0) this.byOwner.delete(node);
    }
  }
}
