// Figures of the analytics index's fast restart on a data dir that analytics-backfill.mjs filled:
// the full load, the snapshot's save, size and load, a restart from it, and the index's memory.
// Run: node --expose-gc --import tsx bench/generators/index-restart.mjs <dataDir>
import { rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  INDEX_SNAPSHOT_FORMAT,
  loadIndexSnapshot,
  saveIndexSnapshot,
} from "../../packages/server/src/storage/activity-index/index-snapshot.ts";
import { openSqliteStorage } from "../../packages/server/src/storage/sqlite/sqlite-storage.ts";

const dir = process.argv[2];
if (!dir) throw new Error("usage: index-restart.mjs <dataDir>");
const file = join(dir, "rollcall.sqlite");
const snapshot = join(dir, "rollcall.index");
rmSync(snapshot, { force: true });

/** @type {Array<Record<string, unknown>>} */
const said = [];
const log = {
  /** @param {object} fields @param {string} message */
  info: (fields, message) => said.push({ message, ...fields }),
  /** @param {any} fields @param {string} message */
  warn: (fields, message) => said.push({ message, err: String(fields.err) }),
};
/** @param {string} message */
async function until(message) {
  while (!said.some((s) => s.message === message)) await sleep(50);
  return said.find((s) => s.message === message);
}
const mb = (/** @type {number} */ bytes) => Math.round(bytes / 1e5) / 10;
function memory() {
  globalThis.gc?.();
  globalThis.gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, held: m.heapUsed + m.arrayBuffers };
}
/** The backfill's `now` (its history: the 30 days before): the caller passes the same. */
const now = Number(process.argv[3] ?? 1796000000000);
const lastDay = Math.floor(now / 86_400_000) * 96;
const query = {
  scope: { platform: "default", app: null },
  messages: { start: lastDay - 29 * 96, end: lastDay + 96 },
  messageNames: ["message"],
  q: null,
  inactiveBefore: null,
  minMessages: 0,
  sort: /** @type {const} */ ("messagesSent"),
  order: /** @type {const} */ ("desc"),
  limit: 50,
  offset: 0,
};
const windows = [
  ...Array.from({ length: 30 }, (_, i) => ({
    start: lastDay - i * 96,
    end: lastDay - i * 96 + 96,
  })),
  { start: lastDay - 6 * 96, end: lastDay + 96 },
  { start: lastDay - 29 * 96, end: lastDay + 96 },
];
/** @param {import("../../packages/server/src/storage/storage.ts").Storage} storage */
async function answers(storage) {
  return JSON.stringify([
    await storage.countActiveUsers({ platform: "default", app: null }, windows),
    await storage.countActiveUsers({ platform: "default", app: "app-3" }, windows),
    await storage.userTable(query),
    await storage.userTable({
      ...query,
      scope: { platform: "default", app: "app-3" },
      sort: "name",
      order: "asc",
    }),
  ]);
}

const figures = /** @type {Record<string, unknown>} */ ({});
const before = memory();
let started = performance.now();
const full = openSqliteStorage(file, { writerThread: true, indexSnapshot: snapshot, log });
await full.migrate();
await full.warmUp(["message"]);
figures.fullLoadS = (performance.now() - started) / 1000;
const saved = await until("analytics index saved");
figures.saveAfterFullLoadS = Number(saved.ms) / 1000;
const fullAnswers = await answers(full);
const afterFull = memory();
figures.fullLoadRssDeltaMb = mb(afterFull.rss - before.rss);
figures.fullLoadHeldDeltaMb = mb(afterFull.held - before.held);
await full.close();
figures.snapshotMb = mb(statSync(snapshot).size);

// A restart: the storage loads the snapshot (and the log after it: nothing, it closed cleanly).
started = performance.now();
const restarted = openSqliteStorage(file, { writerThread: true, indexSnapshot: snapshot, log });
await restarted.migrate();
await restarted.warmUp(["message"]);
figures.restartLoadS = (performance.now() - started) / 1000;
const fromSnapshot = said.find((s) => s.message === "analytics index loaded from its snapshot");
figures.fromSnapshot = fromSnapshot !== undefined;
// The keeper's part: the snapshot read, the source and the log checked, the log replayed.
figures.restartKeeperS = Number(fromSnapshot?.ms) / 1000;
figures.sameAnswers = (await answers(restarted)) === fullAnswers;
await restarted.close();

// The snapshot alone: its load rate, the index's bytes, a save of it.
globalThis.gc?.();
const bare = memory();
started = performance.now();
const loaded = await loadIndexSnapshot(snapshot);
const loadMs = performance.now() - started;
figures.snapshotLoadS = loadMs / 1000;
figures.snapshotLoadMbPerS = Math.round(statSync(snapshot).size / 1e6 / (loadMs / 1000));
const withIndex = memory();
figures.indexHeldMb = mb(withIndex.held - bare.held);
figures.indexRssDeltaMb = mb(withIndex.rss - bare.rss);
let userDays = 0;
let appUserDays = 0;
for (const [, platform] of loaded?.index.platformEntries() ?? []) {
  for (const d of platform.all.days.values()) userDays += d.users.size;
  for (const app of platform.apps.values())
    for (const d of app.days.values()) appUserDays += d.users.size;
}
figures.activeUserDays = userDays;
figures.appUserDays = appUserDays;
figures.indexBytesPerUserDay = Math.round((withIndex.held - bare.held) / userDays);
started = performance.now();
await saveIndexSnapshot(/** @type {any} */ (loaded).index, join(dir, "again.index"), {
  format: INDEX_SNAPSHOT_FORMAT,
  source: "bench",
  seq: 0,
  savedAt: Date.now(),
});
figures.snapshotSaveS = (performance.now() - started) / 1000;
rmSync(join(dir, "again.index"), { force: true });
console.log(JSON.stringify({ figures, said }, null, 1));
