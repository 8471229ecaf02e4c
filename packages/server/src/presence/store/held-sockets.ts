// What one node vouches for in Redis: the tracker sockets it holds, and the users it reports.
import { findUser } from "../engine/state.js";
import type { ConnectionKey, LiveUser } from "../engine/types.js";
import type { PresenceReplica } from "../replica/presence-replica.js";

interface HeldSocket {
  key: ConnectionKey;
  lastHeardAt: number;
}

/**
 * The WebSocket tabs whose sockets are on this node, each with when it was last heard from:
 * heartbeats cost no Redis round trip because the node holding the socket vouches for it.
 */
export class HeldSockets {
  private readonly held = new Map<string, HeldSocket>();

  constructor(
    private readonly replica: PresenceReplica,
    private readonly nodeId: string,
  ) {}

  hold(key: ConnectionKey, now: number): void {
    this.held.set(connectionId(key), { key, lastHeardAt: now });
  }

  /** Notes a message from the tab, if its socket is here. */
  heard(key: ConnectionKey, now: number): void {
    const socket = this.held.get(connectionId(key));
    if (socket) socket.lastHeardAt = now;
  }

  /** Lets go of the tab's socket; what was held, if anything. */
  release(key: ConnectionKey): HeldSocket | undefined {
    const id = connectionId(key);
    const socket = this.held.get(id);
    this.held.delete(id);
    return socket;
  }

  /** Lets go of every socket of an erased user. */
  releaseUser(platform: string, user: string): void {
    for (const [id, socket] of this.held) {
      if (socket.key.platform === platform && socket.key.user === user) this.held.delete(id);
    }
  }

  /** A WebSocket tab is this node's if its socket is here; an HTTP tab belongs to whoever it reaches. */
  isMine(key: ConnectionKey): boolean {
    if (this.replica.transportOf(key) === "http") return true;
    return this.held.has(connectionId(key)) && this.replica.ownerOf(key) === this.nodeId;
  }

  /**
   * The users with a tab this node reports: a WebSocket whose socket is here (as of its last
   * message), or an HTTP tab this node last heard from (its owner in Redis).
   */
  *liveUsers(): Iterable<LiveUser> {
    for (const { platform, user } of this.replica.usersOwnedBy(this.nodeId)) {
      const presence = findUser(this.replica.state, platform, user);
      if (presence === undefined) continue;
      const owners = this.replica.ownersOf(platform, user);
      let lastSeenAt = Number.NEGATIVE_INFINITY;
      for (const [tab, connection] of presence.connections) {
        if (owners[tab] !== this.nodeId) continue;
        if (connection.transport === "http") {
          lastSeenAt = Math.max(lastSeenAt, connection.lastSeenAt);
          continue;
        }
        const socket = this.held.get(connectionId({ platform, user, tab }));
        if (socket) lastSeenAt = Math.max(lastSeenAt, socket.lastHeardAt);
      }
      if (lastSeenAt === Number.NEGATIVE_INFINITY) continue;
      const sessionStartedAt = presence.session?.startedAt ?? null;
      yield { platform, user, lastSeenAt, sessionStartedAt };
    }
  }

  /** The apps the users reported here are active in: each node reports its own users' activity. */
  *activeApps(): Iterable<{
    platform: string;
    user: string;
    app: string | null;
    startedAt: number;
  }> {
    for (const { platform, user } of this.replica.usersOwnedBy(this.nodeId)) {
      const presence = findUser(this.replica.state, platform, user);
      for (const [app, active] of presence?.activeApps ?? []) {
        yield { platform, user, app, startedAt: active.startedAt };
      }
    }
  }
}

/** A tab's identity as one string. */
export function connectionId(key: ConnectionKey): string {
  return `${key.platform}\u0000${key.user}\u0000${key.tab}`;
}
