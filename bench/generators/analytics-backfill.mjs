// Fills a fresh data directory with analytics history, before the server starts, by writing
// through the server's own storage module (its SQLite adapter, rollups included) in big batches.
// Run with `node --import tsx` (the server's TypeScript source); the orchestrator does this.
import { randomBytes } from "node:crypto";
import { loadConfig } from "../../packages/server/src/config/config.ts";
import { openStorage } from "../../packages/server/src/storage/open-storage.ts";
import { emptyFactBatch } from "../../packages/server/src/storage/storage.ts";
import { readConfig, reply } from "../harness/child-runtime.mjs";

/**
 * @typedef {{ dataDir: string, secret: string, users: number, events: number, apps: number,
 *   days: number, now: number, batch: number }} BackfillConfig
 */
const config = /** @type {BackfillConfig} */ (readConfig());
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Deterministic PRNG (mulberry32): the same data on every run. */
function prng(seed = 0x5eed) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Activity follows the working day (UTC hours), quieter at weekends.
const HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 3, 5, 8, 10, 10, 9, 7, 8, 10, 10, 9, 7, 6, 5, 4, 3, 2, 1];
const HOUR_TOTAL = HOUR_WEIGHTS.reduce((a, b) => a + b, 0);

/** @param {() => number} random */
function pickHour(random) {
  let r = random() * HOUR_TOTAL;
  for (let hour = 0; hour < 24; hour++) {
    r -= /** @type {number} */ (HOUR_WEIGHTS[hour]);
    if (r < 0) return hour;
  }
  return 23;
}

async function main() {
  const storage = await openStorage(
    loadConfig({ ROLLCALL_DATA_DIR: config.dataDir, ROLLCALL_PLATFORM_SECRET: config.secret }),
  );
  await storage.migrate();
  await storage.createPlatform({
    id: "default",
    name: "default",
    secrets: [config.secret],
    createdAt: config.now,
  });
  const started = performance.now();
  for (let first = 0; first < config.users; first += config.batch) {
    const batch = emptyFactBatch();
    for (let i = first; i < Math.min(config.users, first + config.batch); i++) {
      batch.users.push({
        platform: "default",
        id: `u${i}`,
        name: `Learner ${i}`,
        email: `learner${i}@bench.example`,
        role: i % 50 === 0 ? "Instructor" : "Learner",
      });
    }
    await storage.writeFacts(batch);
  }
  const random = prng();
  const runId = randomBytes(4).toString("hex");
  const firstDay = Math.floor(config.now / DAY_MS) - (config.days - 1);
  let written = 0;
  let lastReport = performance.now();
  while (written < config.events) {
    const batch = emptyFactBatch();
    const size = Math.min(config.batch, config.events - written);
    for (let i = 0; i < size; i++) {
      // Skewed: a few users are very active, most are occasional.
      const user = Math.floor(config.users * random() ** 2);
      const day = firstDay + Math.floor(random() * config.days);
      const weekday = (new Date(day * DAY_MS).getUTCDay() + 6) % 7;
      if (weekday >= 5 && random() < 0.6) {
        i--;
        continue;
      }
      const ts = Math.min(
        config.now - 1,
        day * DAY_MS + pickHour(random) * HOUR_MS + Math.floor(random() * HOUR_MS),
      );
      const homeApp = user % config.apps;
      const app = random() < 0.8 ? homeApp : Math.floor(random() * config.apps);
      batch.events.push({
        platform: "default",
        id: `bf-${runId}-${written + i}`,
        user: `u${user}`,
        name: random() < 0.7 ? "message" : "view",
        app: `app-${app}`,
        ts,
        props: null,
      });
    }
    // Ordered within the batch, as a backend's backfill would send them: far fewer B-tree pages
    // touched per transaction than random order.
    if (process.env.BENCH_BACKFILL_ORDER !== "ts") {
      batch.events.sort((a, b) => (a.user < b.user ? -1 : a.user > b.user ? 1 : a.ts - b.ts));
    } else {
      batch.events.sort((a, b) => a.ts - b.ts);
    }
    await storage.writeFacts(batch);
    written += size;
    if (performance.now() - lastReport > 5_000) {
      lastReport = performance.now();
      reply({ type: "progress", written });
    }
  }
  await storage.close();
  reply({
    type: "done",
    users: config.users,
    events: written,
    seconds: (performance.now() - started) / 1_000,
  });
}

main().then(
  () => process.exit(0),
  (error) => {
    reply({ type: "error", message: error instanceof Error ? error.stack : String(error) });
    process.exit(1);
  },
);
