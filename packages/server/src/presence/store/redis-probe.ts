// Whether every Redis server holding presence answers: a PING of each slot's primary, now and then.
import { Cluster, type Redis } from "ioredis";
import type { RedisClient } from "../../redis/redis-client.js";

/**
 * Resolves once every server holding keys answers PING within `timeoutMs`; rejects naming the
 * first that does not. On a cluster, that is the primary of every slot: ioredis drops a node
 * that failed from its pool, so a client whose status is "ready" may still have no way to reach
 * a third of the users.
 */
export async function probeRedis(client: RedisClient, timeoutMs: number): Promise<void> {
  const servers = new Map<string, Redis | undefined>();
  if (client instanceof Cluster) {
    for (const node of client.nodes("master")) servers.set(nodeKey(node), node);
    for (const owners of client.slots) {
      const primary = owners?.[0];
      if (primary !== undefined && !servers.has(primary)) servers.set(primary, undefined);
    }
  } else {
    servers.set("redis", client);
  }
  await Promise.all(
    [...servers].map(async ([key, server]) => {
      if (server === undefined)
        throw new Error(`no connection to ${key}, the primary of some slots`);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${key} did not answer PING`)), timeoutMs);
      });
      try {
        await Promise.race([server.ping(), late]);
      } catch (error) {
        throw new Error(`${key}: ${(error as Error).message}`);
      } finally {
        clearTimeout(timer);
      }
    }),
  );
}

function nodeKey(node: Redis): string {
  return `${node.options.host}:${node.options.port}`;
}

/**
 * Probes every `everyMs` (each PING waits as long): `failure` is the last probe's error, null
 * once one passes. `onChange` hears of each failure and of the first pass after one.
 */
export class RedisProbe {
  private timer: NodeJS.Timeout | null = null;
  private lastFailure: Error | null = null;
  /** A probe under way: a slow one is not overlapped by the next. */
  private isProbing = false;

  constructor(
    private readonly client: RedisClient,
    private readonly everyMs: number,
    private readonly onChange: (failure: Error | null) => void,
  ) {}

  get failure(): Error | null {
    return this.lastFailure;
  }

  start(): void {
    this.timer ??= setInterval(() => void this.probe(), this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async probe(): Promise<void> {
    if (this.isProbing) return;
    this.isProbing = true;
    try {
      await probeRedis(this.client, this.everyMs);
      if (this.lastFailure === null) return;
      this.lastFailure = null;
    } catch (error) {
      this.lastFailure = error as Error;
    } finally {
      this.isProbing = false;
    }
    this.onChange(this.lastFailure);
  }
}
