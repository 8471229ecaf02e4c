// RedisPresenceStore: nodes sharing presence in Redis; owned sockets, dead nodes, ticks, a replica.
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { RedisTarget } from "../../config/config.js";
import { createRedisClient, type RedisClient } from "../../redis/redis-client.js";
import {
  applyPresenceEvent,
  briefUser,
  listUserBriefs,
  listUserViews,
  viewUser,
} from "../engine/engine.js";
import { findUser } from "../engine/state.js";
import type {
  ConnectionKey,
  LiveUser,
  PresenceChange,
  PresenceEvent,
  PresenceRules,
  RestoredSession,
  Transport,
  UserPresenceBrief,
  UserPresenceView,
} from "../engine/types.js";
import { PresenceReplica } from "../replica/presence-replica.js";
import { connectionId, HeldSockets } from "./held-sockets.js";
import type { PresenceStore, RemoteUserChange, StoreHealth } from "./presence-store.js";
import { RedisNodeLiveness } from "./redis-node-liveness.js";
import { RedisPresenceKeys } from "./redis-presence-keys.js";
import { RedisProbe } from "./redis-probe.js";
import { RedisReplicaSync } from "./redis-replica-sync.js";
import { RedisUserWriter } from "./redis-user-writer.js";

const DUE_BATCH = 500;

export interface RedisPresenceStoreOptions {
  /** One server, or a Redis Cluster (the keys are hash-tagged per user, see redis-presence-keys). */
  redis: RedisTarget;
  prefix: string;
  rules: PresenceRules;
  clock: () => number;
  logger: Logger;
  /** Defaults to a random id: a restarted node is a new node. */
  nodeId?: string;
  /** How often every server holding keys is PINGed for `health` (default 5 s). */
  probeEveryMs?: number;
}

/**
 * Choose it to run several nodes behind a load balancer (ROLLCALL_REDIS_URL, on one Redis server
 * or a Redis Cluster with ROLLCALL_REDIS_CLUSTER). Each node owns its
 * sockets and vouches for them (heartbeats cost no Redis round trip); a node's beat in `nodes`
 * older than 2 × heartbeat declares it dead and any node drops its sockets' tabs. An HTTP tab is
 * no node's: any node applies its batches, and its owner in Redis is only the node that last
 * heard from it (which reports it in `liveUsers`). Reads are local.
 */
export class RedisPresenceStore implements PresenceStore {
  readonly nodeId: string;
  private readonly keys: RedisPresenceKeys;
  private readonly command: RedisClient;
  private readonly subscriber: RedisClient;
  private readonly replica: PresenceReplica;
  private readonly sync: RedisReplicaSync;
  private readonly writer: RedisUserWriter;
  private readonly liveness: RedisNodeLiveness;
  private readonly rules: PresenceRules;
  private readonly sockets: HeldSockets;
  /** Drops that could not be written (Redis away): retried by the tick. */
  private readonly pendingDrops = new Map<string, { key: ConnectionKey; lastLiveAt: number }>();
  private wasDown = false;
  private isClosed = false;
  private foreignMessages = 0;
  /** Every server holding keys answers (a cluster's client stays ready with a shard gone). */
  private readonly probe: RedisProbe;

  constructor(private readonly options: RedisPresenceStoreOptions) {
    this.nodeId = options.nodeId ?? randomUUID();
    this.keys = new RedisPresenceKeys(options.prefix);
    this.rules = { ...options.rules, isSocketLivenessOwned: true };
    this.replica = new PresenceReplica(this.rules);
    this.sockets = new HeldSockets(this.replica, this.nodeId);
    // Fail fast while Redis is away: callers answer `unavailable` instead of hanging.
    const connection = { maxRetriesPerRequest: 1, connectTimeout: 3_000 };
    this.command = createRedisClient(options.redis, { ...connection, isQueuedOffline: false });
    this.subscriber = createRedisClient(options.redis, { ...connection, isQueuedOffline: true });
    this.writer = new RedisUserWriter({
      command: this.command,
      keys: this.keys,
      rules: this.rules,
      replica: this.replica,
      nodeId: this.nodeId,
    });
    this.sync = new RedisReplicaSync({
      command: this.command,
      keys: this.keys,
      replica: this.replica,
      nodeId: this.nodeId,
      onError: (error) => this.onDown(error),
      onForeignMessage: (text) => this.onForeignMessage(text),
      onLoaded: () => {
        if (this.wasDown) this.options.logger.info("Redis is back; presence replica reloaded");
        this.wasDown = false;
      },
    });
    this.liveness = new RedisNodeLiveness({
      command: this.command,
      keys: this.keys,
      replica: this.replica,
      nodeId: this.nodeId,
      heartbeatMs: this.rules.heartbeatMs,
      clock: options.clock,
      onError: (error) => this.onDown(error),
    });
    this.probe = new RedisProbe(this.command, options.probeEveryMs ?? 5_000, (failure) => {
      if (failure !== null) this.onDown(failure);
      else {
        this.options.logger.info("every Redis server holding presence answers again");
        this.wasDown = false;
      }
    });
    for (const redis of [this.command, this.subscriber]) {
      redis.on("error", (error: Error) => this.onDown(error));
    }
    this.command.on("ready", () => this.liveness.onReady());
    this.command.on("close", () => this.liveness.onClose());
    // Subscriptions come back by themselves; what was missed meanwhile comes from a resync. A
    // cluster's subscription moves to another node when its node leaves: a resync too.
    this.subscriber.on("ready", () => void this.sync.resync());
    this.subscriber.on("-node", () => {
      if (!this.isClosed) void this.sync.resync();
    });
    this.subscriber.on("message", (_channel: string, message: string) =>
      this.sync.onMessage(message),
    );
  }

  /** Connects, subscribes, loads the replica and starts beating; throws if Redis cannot be reached. */
  async start(): Promise<void> {
    try {
      await this.command.connect();
      await this.subscriber.connect();
      await this.subscriber.subscribe(this.keys.changes);
      await this.sync.resync();
    } catch (error) {
      this.command.disconnect();
      this.subscriber.disconnect();
      throw new Error(`cannot reach Redis (ROLLCALL_REDIS_URL): ${(error as Error).message}`);
    }
    this.liveness.start();
    this.probe.start();
  }

  apply(event: PresenceEvent, now: number): Promise<PresenceChange[]> | PresenceChange[] {
    switch (event.type) {
      case "heartbeat":
        return this.heartbeat(event.key, now);
      case "tick":
        return this.tick(now);
      case "restore":
        return this.restore(event.sessions, now);
      case "forget":
        this.sockets.releaseUser(event.platform, event.user);
        return this.writer.change(event, (state) => applyPresenceEvent(state, event, now));
      case "disconnect":
        return this.disconnect(event.key, now, event.lastLiveAt);
      case "connect":
        // An HTTP tab has no socket here: no node holds it, and nothing local would forget it.
        if (event.transport === "ws") this.sockets.hold(event.key, now);
        return this.writer.change(event.key, (state, owners) => {
          owners[event.key.tab] = this.nodeId;
          return applyPresenceEvent(state, event, now);
        });
      default: {
        const key = event.key;
        if (!this.sockets.isMine(key)) return [];
        this.sockets.heard(key, now);
        return this.writer.change(key, (state) => applyPresenceEvent(state, event, now));
      }
    }
  }

  async restorable(sessions: RestoredSession[]): Promise<RestoredSession[]> {
    // Users another node holds go on there; only the rest were left by a stopped deployment.
    return sessions.filter((s) => findUser(this.replica.state, s.platform, s.user) === undefined);
  }

  hasConnection(key: ConnectionKey): boolean {
    return this.sockets.isMine(key);
  }

  view(platform: string, user: string, now: number): UserPresenceView | null {
    return viewUser(this.replica.state, platform, user, now);
  }

  views(platform: string, now: number): Iterable<UserPresenceView> {
    return listUserViews(this.replica.state, platform, now);
  }

  brief(platform: string, user: string, now: number): UserPresenceBrief | null {
    return briefUser(this.replica.state, platform, user, now);
  }

  briefs(platform: string, now: number): Iterable<UserPresenceBrief> {
    return listUserBriefs(this.replica.state, platform, now);
  }

  liveUsers(): Iterable<LiveUser> {
    return this.sockets.liveUsers();
  }

  activeApps(): Iterable<{
    platform: string;
    user: string;
    app: string | null;
    startedAt: number;
  }> {
    return this.sockets.activeApps();
  }

  onRemoteChange(listener: (change: RemoteUserChange) => void): () => void {
    return this.sync.onRemoteChange(listener);
  }

  /**
   * "down" while a connection is not ready or the last probe found a server holding keys that
   * does not answer (a cluster's primary gone): some users' changes are refused.
   */
  health(): StoreHealth {
    const isUp =
      this.command.status === "ready" &&
      this.subscriber.status === "ready" &&
      this.probe.failure === null;
    return { presence: isUp ? "ok" : "down" };
  }

  async close(): Promise<void> {
    this.liveness.stop();
    this.probe.stop();
    this.isClosed = true;
    await this.writer.settled();
    // Left as they are: the tabs reconnect elsewhere, and other nodes drop what is left of this one.
    this.command.disconnect();
    this.subscriber.disconnect();
  }

  private heartbeat(key: ConnectionKey, now: number): PresenceChange[] | Promise<PresenceChange[]> {
    this.sockets.heard(key, now);
    // HTTP tabs have no socket to vouch for them: their deadline is the stored lastSeenAt.
    if (this.replica.transportOf(key) !== "http") return [];
    // Every batch begins with this heartbeat: its node becomes the one reporting the tab.
    return this.writer.change(key, (state, owners) => {
      owners[key.tab] = this.nodeId;
      return applyPresenceEvent(state, { type: "heartbeat", key }, now);
    });
  }

  private async disconnect(
    key: ConnectionKey,
    now: number,
    reported: number | undefined,
  ): Promise<PresenceChange[]> {
    const held = this.sockets.release(key);
    // A socket closed for silence was last live when last heard from.
    const isSilent = held !== undefined && now - held.lastHeardAt >= 2 * this.rules.heartbeatMs;
    const lastLiveAt = reported ?? (isSilent ? held.lastHeardAt : now);
    try {
      return await this.dropTab(key, lastLiveAt, now);
    } catch {
      this.pendingDrops.set(connectionId(key), { key, lastLiveAt });
      return [];
    }
  }

  /** A tab ended here: a WebSocket tab if its socket is still this node's; an HTTP tab, any. */
  private dropTab(key: ConnectionKey, lastLiveAt: number, now: number): Promise<PresenceChange[]> {
    return this.dropIf(key, lastLiveAt, now, (by, owner) => by === "http" || owner === this.nodeId);
  }

  /** Drops the tab's connection if `isDropped` says so of what Redis holds now. */
  private dropIf(
    key: ConnectionKey,
    lastLiveAt: number,
    now: number,
    isDropped: (transport: Transport, owner: string | undefined) => boolean,
  ): Promise<PresenceChange[]> {
    return this.writer.change(key, (state, owners) => {
      const connection = findUser(state, key.platform, key.user)?.connections.get(key.tab);
      if (connection === undefined || !isDropped(connection.transport, owners[key.tab])) {
        return null;
      }
      return applyPresenceEvent(state, { type: "disconnect", key, lastLiveAt }, now);
    });
  }

  private async restore(sessions: RestoredSession[], now: number): Promise<PresenceChange[]> {
    const changes: PresenceChange[] = [];
    for (const session of sessions) {
      const restored = await this.writer.change(session, (state) =>
        findUser(state, session.platform, session.user) === undefined
          ? applyPresenceEvent(state, { type: "restore", sessions: [session] }, now)
          : null,
      );
      changes.push(...restored);
    }
    return changes;
  }

  /** Time-based rules for the users now due, dead nodes' tabs, and drops Redis missed. */
  private async tick(now: number): Promise<PresenceChange[]> {
    const changes: PresenceChange[] = [];
    if (this.command.status !== "ready") return changes;
    try {
      for (const [id, drop] of this.pendingDrops) {
        changes.push(...(await this.dropTab(drop.key, drop.lastLiveAt, now)));
        this.pendingDrops.delete(id);
      }
      await this.sweepDeadNodes(now, changes);
      const due = await this.command.zrangebyscore(
        this.keys.due,
        "-inf",
        now,
        "LIMIT",
        0,
        DUE_BATCH,
      );
      for (const member of due) {
        const ref = this.keys.parseMember(member);
        if (ref === null) continue;
        changes.push(
          ...(await this.writer.change(
            ref,
            (state) => applyPresenceEvent(state, { type: "tick" }, now),
            true,
          )),
        );
      }
    } catch (error) {
      this.onDown(error as Error);
    }
    return changes;
  }

  /**
   * A dead node's sockets' tabs are dropped as of its last beat (HTTP tabs keep their own
   * deadline, whichever node last heard from them).
   */
  private async sweepDeadNodes(now: number, changes: PresenceChange[]): Promise<void> {
    for (const { node, lastBeat, sockets } of await this.liveness.deadNodes(now)) {
      for (const key of sockets) {
        // Only while that node still holds the socket: the tab may be back elsewhere already.
        const isHeld = (by: Transport, owner: string | undefined) => by === "ws" && owner === node;
        changes.push(...(await this.dropIf(key, lastBeat, now, isHeld)));
      }
      await this.liveness.forgetIfEmpty(node);
    }
  }

  /** Logged the first time and then every 1,000th: a stray publisher must not flood the log. */
  private onForeignMessage(text: string): void {
    if (this.foreignMessages++ % 1_000 !== 0) return;
    this.options.logger.warn(
      { channel: this.keys.changes, start: text.slice(0, 80), count: this.foreignMessages },
      "ignored a message on the presence changes channel that is not a change",
    );
  }

  private onDown(error: Error): void {
    if (this.wasDown) return;
    this.wasDown = true;
    this.options.logger.error(
      { err: error },
      "Redis unreachable: presence changes are refused until it is back",
    );
  }
}
