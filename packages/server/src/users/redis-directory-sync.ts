// Keeps every node's user directory alike: each node's registrations and erasures go out over Redis.
import { Redis } from "ioredis";
import type { Logger } from "pino";
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
  private readonly publisher: Redis;
  private readonly subscriber: Redis;

  constructor(
    private readonly options: {
      url: string;
      channel: string;
      nodeId: string;
      directory: UserDirectory;
      logger: Logger;
      /** Reloads the directory from storage (after Redis comes back), then says who changed. */
      reload: () => Promise<void>;
      onRemoteChange: (platform: string, id: string) => void;
    },
  ) {
    const connection = {
      lazyConnect: true,
      retryStrategy: (times: number) => Math.min(100 * times, 1_000),
    };
    this.publisher = new Redis(options.url, { ...connection, enableOfflineQueue: false });
    this.subscriber = new Redis(options.url, connection);
    for (const redis of [this.publisher, this.subscriber]) redis.on("error", () => undefined);
    this.subscriber.on("message", (_channel: string, text: string) => this.receive(text));
  }

  async start(): Promise<void> {
    await this.publisher.connect();
    await this.subscriber.connect();
    await this.subscriber.subscribe(this.options.channel);
    let isFirst = true;
    this.subscriber.on("ready", () => {
      if (isFirst) return;
      void this.options.reload().catch((error: unknown) => {
        this.options.logger.warn({ err: error }, "reloading the user directory failed");
      });
    });
    isFirst = false;
    this.options.directory.onLocalChange((platform, id, record) => {
      const message: DirectoryMessage = { node: this.options.nodeId, platform, id, record };
      this.publisher.publish(this.options.channel, JSON.stringify(message)).catch(() => undefined);
    });
  }

  close(): void {
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
