// Fills a fresh data directory (or, given databaseUrl, a fresh PostgreSQL database) with analytics
// history, before the server starts, by writing through the server's own storage module (the
// adapter the server would open, rollups included) in big batches. The same seed, runId and `now`
// write the same history into either. Run with `node --import tsx` (the server's TypeScript
// source); the orchestrator does this.
import { loadConfig } from "../../packages/server/src/config/config.ts";
import { openStorage } from "../../packages/server/src/storage/open-storage.ts";
import { emptyFactBatch } from "../../packages/server/src/storage/storage.ts";
import { readConfig, reply } from "../harness/child-runtime.mjs";

/**
 * `databaseUrl`: write into PostgreSQL rather than the SQLite file under `dataDir`;
 * `messageShare`: the share of events named `message` (the others are `view`);
 * `runId`: in every event id, so that two backfills of one run write the same ids.
 * @typedef {{ dataDir: string, databaseUrl?: string, secret: string, users: number,
 *   events: number, apps: number, days: number, messageShare: number, runId: string, now: number,
 *   batch: number }} BackfillConfig
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
const WEEKEND_WEIGHT = 0.4;

/**
 * The hours of the last `days` UTC days up to `now`, each with its share of the events: its hour
 * of the day's weight, less at weekends, in proportion for the hour `now` is in.
 * @param {number} now
 * @param {number} days
 */
function historyHours(now, days) {
  const firstDay = Math.floor(now / DAY_MS) - (days - 1);
  /** @type {{ start: number, end: number, weight: number }[]} */
  const hours = [];
  for (let day = firstDay; day < firstDay + days; day++) {
    const weekday = (new Date(day * DAY_MS).getUTCDay() + 6) % 7;
    const dayWeight = weekday >= 5 ? WEEKEND_WEIGHT : 1;
    for (let hour = 0; hour < 24; hour++) {
      const start = day * DAY_MS + hour * HOUR_MS;
      if (start >= now) break;
      const end = Math.min(start + HOUR_MS, now);
      const weight = /** @type {number} */ (HOUR_WEIGHTS[hour]) * dayWeight;
      hours.push({ start, end, weight: (weight * (end - start)) / HOUR_MS });
    }
  }
  return hours;
}

async function main() {
  const storage = await openStorage(
    loadConfig({
      ROLLCALL_DATA_DIR: config.dataDir,
      ROLLCALL_DATABASE_URL: config.databaseUrl,
      ROLLCALL_PLATFORM_SECRET: config.secret,
    }),
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
  const runId = config.runId;
  // History in time order, an hour at a time, as a backend replays its records: the events of
  // one transaction land at the end of the time-ordered indexes, where a backfill in random time
  // order touched a page of each index per event (10 M events: 1,005 s that way). Within a
  // transaction, by user: each user's row of user_apps (keyed by app and user) is touched once.
  const hours = historyHours(config.now, config.days);
  const totalWeight = hours.reduce((sum, h) => sum + h.weight, 0);
  let cumulative = 0;
  let made = 0;
  let written = 0;
  let lastReport = performance.now();
  /** @type {import("../../packages/server/src/storage/storage.ts").FactBatch["events"]} */
  let pending = [];
  const flush = async () => {
    const batch = emptyFactBatch();
    batch.events = pending.sort((a, b) =>
      a.user < b.user ? -1 : a.user > b.user ? 1 : a.ts - b.ts,
    );
    pending = [];
    await storage.writeFacts(batch);
    written += batch.events.length;
    if (performance.now() - lastReport > 5_000) {
      lastReport = performance.now();
      reply({ type: "progress", written });
    }
  };
  for (const hour of hours) {
    cumulative += hour.weight;
    const upTo = Math.round((config.events * cumulative) / totalWeight);
    for (; made < upTo; made++) {
      // Skewed: a few users are very active, most are occasional.
      const user = Math.floor(config.users * random() ** 2);
      const homeApp = user % config.apps;
      const app = random() < 0.8 ? homeApp : Math.floor(random() * config.apps);
      pending.push({
        platform: "default",
        id: `bf-${runId}-${made}`,
        user: `u${user}`,
        name: random() < config.messageShare ? "message" : "view",
        app: `app-${app}`,
        ts: hour.start + Math.floor(random() * (hour.end - hour.start)),
        props: null,
      });
      if (pending.length === config.batch) await flush();
    }
  }
  if (pending.length > 0) await flush();
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
