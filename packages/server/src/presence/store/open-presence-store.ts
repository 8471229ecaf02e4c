// Chooses the presence store from config, once, at start: memory for one node, Redis for several.
import type { Logger } from "pino";
import type { Config } from "../../config/config.js";
import type { PresenceRules } from "../engine/types.js";
import { MemoryPresenceStore } from "./memory-presence-store.js";
import type { PresenceStore } from "./presence-store.js";
import { RedisPresenceStore } from "./redis-presence-store.js";

export async function openPresenceStore(
  config: Config,
  rules: PresenceRules,
  clock: () => number,
  logger: Logger,
): Promise<PresenceStore> {
  if (!config.redis) return new MemoryPresenceStore(rules);
  const store = new RedisPresenceStore({
    redis: config.redis,
    prefix: config.redisPrefix,
    rules,
    clock,
    logger,
  });
  await store.start();
  return store;
}
