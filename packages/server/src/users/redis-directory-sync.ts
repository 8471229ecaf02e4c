// Keeps every node's user directory alike: each node's registrations and erasures go out over Redis.
import type { Logger } from "pino";
import type { RedisTarget } from "../config/config.js";
import { createRedisClient, type RedisClient } from "../redis/redis-client.js";
import type { UserRecord } from "../storage/storage.js";
import type { UserDirectory } from "./user-directory.js";

interface DirectoryMessage {
  node: string;
  platform: string;
  id: string;
  record: UserRecord | null;
}

/**
 * The storage already holds every change (the node that made it wrote it); this only spares
 * the other nodes a reload. A message lost while Redis is away is repaired by `reload` when it
 * comes back.
 */
export class RedisDirectorySync {
  private readonly publisher: RedisClient;
  private readonly subscriber: RedisClient;
  private isClosed = false;

  constructor(
    private readonly options: {
      /** One server or a cluster: a plain PUBLISH reaches subscribers on every cluster node. */
      redis: RedisTarget;
      channel: string;
      nodeId: string;
      directory: UserDirectory;
      logger: Logger;
      /** Reloads the directory from storage (after Redis comes back), then says who changed. */
      reload: () => Promise<void>;
      onRemoteChange: (platform: string, id: string) => void;
    },
  ) {
    this.publisher = createRedisClient(options.redis, { isQueuedOffline: false });
    this.subscriber = createRedisClient(options.redis, { isQueuedOffline: true });
    for (const redis of [this.publisher, this.subscriber]) redis.on("error", () => undefined);
    this.subscriber.on("message", (_channel: string, text: string) => this.receive(text));
  }

  async start(): Promise<void> {
    await this.publisher.connect();
    await this.subscriber.connect();
    await this.subscriber.subscribe(this.options.channel);
    const reload = () => {
      if (this.isClosed) return;
      void this.options.reload().catch((error: unknown) => {
        this.options.logger.warn({ err: error }, "reloading the user directory failed");
      });
    };
    this.subscriber.on("ready", reload);
    // A cluster's subscription moves to another node when its node leaves.
    this.subscriber.on("-node", reload);
    this.options.directory.onLocalChange((platform, id, record) => {
      const message: DirectoryMessage = { node: this.options.nodeId, platform, id, record };
      this.publisher.publish(this.options.channel, JSON.stringify(message)).catch(() => undefined);
    });
  }

  close(): void {
    this.isClosed = true;
    this.publisher.disconnect();
    this.subscriber.disconnect();
  }

  private receive(text: string): void {
    const message = JSON.parse(text) as DirectoryMessage;
    if (message.node === this.options.nodeId) return;
    this.options.directory.applyRemote(message.platform, message.id, message.record);
    this.options.onRemoteChange(message.platform, message.id);
  }
}
