// Keeps a node's presence replica current from Redis: SCAN reload, then the pub/sub change feed.
import type { Redis } from "ioredis";
import { primariesOf, type RedisClient } from "../../redis/redis-client.js";
import type { PresenceReplica, ReplicaUpdate } from "../replica/presence-replica.js";
import type { RemoteUserChange } from "./presence-store.js";
import type { RedisPresenceKeys } from "./redis-presence-keys.js";

/**
 * The first line of a change message: who wrote which user's revision. The user's stored value
 * follows the line as it is ("" : not held), so a message that is old news is not parsed past
 * its header, and the value is not escaped into a JSON string.
 */
export interface ChangeHeader {
  node: string;
  platform: string;
  user: string;
  rev: number;
  lastLiveAt: number | null;
}

/** What a node published: the user's value at a revision. */
export interface ChangeMessage extends ReplicaUpdate {
  node: string;
  lastLiveAt: number | null;
}

/** Reads a change message (as the compare-and-set script publishes it); null if it is not one (not something Rollcall published). */
export function parseChange(text: string): ChangeMessage | null {
  const end = text.indexOf("\n");
  if (end < 0) return null;
  let header: unknown;
  try {
    header = JSON.parse(text.slice(0, end));
  } catch {
    return null;
  }
  if (!isChangeHeader(header)) return null;
  const data = text.slice(end + 1);
  return { ...header, data: data === "" ? null : data };
}

function isChangeHeader(value: unknown): value is ChangeHeader {
  const header = value as Partial<ChangeHeader> | null;
  return (
    typeof header === "object" &&
    header !== null &&
    typeof header.node === "string" &&
    typeof header.platform === "string" &&
    typeof header.user === "string" &&
    typeof header.rev === "number" &&
    (header.lastLiveAt === null || typeof header.lastLiveAt === "number")
  );
}

export interface RedisReplicaSyncOptions {
  /** The command connection (SCAN, HMGET); the subscriber's messages come in by `onMessage`. */
  command: RedisClient;
  keys: RedisPresenceKeys;
  replica: PresenceReplica;
  /** This node: its own changes are in the replica already and are not announced again. */
  nodeId: string;
  /** A reload failed (Redis away); the next reconnect tries again. */
  onError: (error: Error) => void;
  /** Something on the changes channel that no Rollcall node of this version published. */
  onForeignMessage: (text: string) => void;
  /** A reload completed. */
  onLoaded: () => void;
}

export class RedisReplicaSync {
  private readonly listeners = new Set<(change: RemoteUserChange) => void>();
  /** Messages that arrive during a reload, applied after it (older revisions are ignored). */
  private buffered: ChangeMessage[] | null = null;
  /** The reload under way, and the one asked for meanwhile (it must see what happened since). */
  private loading: Promise<void> | null = null;
  private queued: Promise<void> | null = null;

  constructor(private readonly options: RedisReplicaSyncOptions) {}

  /** Called with every change another node (or this one) wrote and changed a user in the replica. */
  onRemoteChange(listener: (change: RemoteUserChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** One message of the changes channel. */
  onMessage(text: string): void {
    const message = parseChange(text);
    if (message === null) {
      this.options.onForeignMessage(text);
      return;
    }
    if (this.buffered !== null) {
      this.buffered.push(message);
      return;
    }
    this.receive(message);
  }

  /** Reloads the replica from Redis (at start and after every reconnect), then what arrived meanwhile. */
  resync(): Promise<void> {
    if (this.loading !== null) {
      this.queued ??= this.loading.then(() => {
        this.queued = null;
        return this.resync();
      });
      return this.queued;
    }
    this.loading = this.reload().finally(() => {
      this.loading = null;
    });
    return this.loading;
  }

  private async reload(): Promise<void> {
    this.buffered = [];
    const { replica } = this.options;
    try {
      const snapshot: ReplicaUpdate[] = [];
      // Every primary of a cluster in turn: each holds its own slots' keys.
      for (const node of primariesOf(this.options.command)) await this.loadNode(node, snapshot);
      for (const changed of replica.reset(snapshot)) this.emit({ ...changed, lastLiveAt: null });
      this.options.onLoaded();
    } catch (error) {
      this.options.onError(error as Error);
    } finally {
      const buffered = this.buffered ?? [];
      this.buffered = null;
      for (const message of buffered) this.receive(message);
    }
  }

  /**
   * SCAN one server, reading the keys found in one pipeline on that same server (a cluster
   * refuses a pipeline whose keys lie in different slots; on their own node they are all there).
   * A key whose slot moved away meanwhile is read again through the client, which follows it.
   */
  private async loadNode(node: Redis, snapshot: ReplicaUpdate[]): Promise<void> {
    const { command, keys } = this.options;
    let cursor = "0";
    do {
      const [next, found] = await node.scan(cursor, "MATCH", keys.userPattern, "COUNT", 1000);
      cursor = next;
      const pipeline = node.pipeline();
      for (const key of found) pipeline.hmget(key, "rev", "data");
      const values = (await pipeline.exec()) ?? [];
      for (const [i, key] of found.entries()) {
        const ref = keys.parseUserKey(key);
        if (ref === null) continue;
        let [error, value] = values[i] ?? [null, null];
        if (error && node !== command)
          [error, value] = [null, await command.hmget(key, "rev", "data")];
        if (error || !Array.isArray(value)) continue;
        const [rev, data] = value as Array<string | null>;
        snapshot.push({ ...ref, rev: Number(rev ?? 0), data: data ? data : null });
      }
    } while (cursor !== "0");
  }

  private receive(message: ChangeMessage): void {
    if (!this.options.replica.apply(message) || message.node === this.options.nodeId) return;
    this.emit({ platform: message.platform, user: message.user, lastLiveAt: message.lastLiveAt });
  }

  private emit(change: RemoteUserChange): void {
    for (const listener of this.listeners) listener(change);
  }
}
