// Node liveness in Redis: each node beats into `nodes`; a node silent for 2 × heartbeat is dead.

import type { RedisClient } from "../../redis/redis-client.js";
import type { ConnectionKey } from "../engine/types.js";
import type { PresenceReplica } from "../replica/presence-replica.js";
import type { RedisPresenceKeys } from "./redis-presence-keys.js";

export interface RedisNodeLivenessOptions {
  command: RedisClient;
  keys: RedisPresenceKeys;
  replica: PresenceReplica;
  nodeId: string;
  heartbeatMs: number;
  clock: () => number;
  onError: (error: Error) => void;
}

/** A dead node and the WebSocket tabs it held, as this node's replica knows them. */
export interface DeadNode {
  node: string;
  lastBeat: number;
  sockets: ConnectionKey[];
}

/**
 * Beats every heartbeat / 2 and finds the nodes whose beat is older than 2 × heartbeat. Judged
 * only once this node has been connected for 2 × heartbeat itself, so that after Redis comes
 * back every node has had the time to beat again.
 */
export class RedisNodeLiveness {
  /** Since when the command connection is up. */
  private readySince: number | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly options: RedisNodeLivenessOptions) {}

  /** The command connection is (again) up: beat at once. */
  onReady(): void {
    this.readySince = this.options.clock();
    void this.beat();
  }

  onClose(): void {
    this.readySince = null;
  }

  start(): void {
    this.timer = setInterval(() => void this.beat(), Math.max(100, this.options.heartbeatMs / 2));
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Other nodes silent for 2 × heartbeat, each with the sockets it still holds. */
  async deadNodes(now: number): Promise<DeadNode[]> {
    const { command, keys, nodeId, heartbeatMs } = this.options;
    const window = 2 * heartbeatMs;
    if (this.readySince === null || now - this.readySince < window) return [];
    const stale = await command.zrangebyscore(keys.nodes, "-inf", `(${now - window}`, "WITHSCORES");
    const dead: DeadNode[] = [];
    for (let i = 0; i + 1 < stale.length; i += 2) {
      const node = stale[i]!;
      if (node === nodeId) continue;
      dead.push({ node, lastBeat: Number(stale[i + 1]), sockets: this.socketsOwnedBy(node) });
    }
    return dead;
  }

  /** Forgets a dead node once none of its sockets is left. */
  async forgetIfEmpty(node: string): Promise<void> {
    if (this.socketsOwnedBy(node).length > 0) return;
    await this.options.command.zrem(this.options.keys.nodes, node);
  }

  private socketsOwnedBy(node: string): ConnectionKey[] {
    const { replica } = this.options;
    return [...replica.tabsOwnedBy(node)].filter((k) => replica.transportOf(k) === "ws");
  }

  private async beat(): Promise<void> {
    const { command, keys, nodeId, clock, onError } = this.options;
    if (command.status !== "ready") return;
    try {
      await command.zadd(keys.nodes, clock(), nodeId);
    } catch (error) {
      onError(error as Error);
    }
  }
}
