// How fast history goes into PostgreSQL through the storage module's writeFacts, as an import or
// the analytics bench's backfill writes it (analytics-backfill.mjs: issue 22's history, batches of
// 250,000 events), and how that rate holds as the tables grow. `--with-user-indexes` puts back
// the indexes by user that migration 7 dropped, to measure the schema before it on the same host.
//
//   node --import tsx bench/simulations/pg-backfill-rate.mjs [--events=2000000] [--with-user-indexes]
//
// Creates rollcall_sim_<random> from BENCH_POSTGRES_URL's database (default
// postgres://postgres@127.0.0.1:5432/test, trust auth) and drops it at the end. Loopback only.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { forkChild, nextMessage, stopChild } from "../harness/children.mjs";
import { BENCH_SECRET, ROOT } from "../harness/servers.mjs";

const ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const args = new Map(
  process.argv.slice(2).map((arg) => {
    const [key, value = ""] = arg.replace(/^--/, "").split("=");
    return [key, value];
  }),
);
const EVENTS = Number(args.get("events") ?? 2_000_000);
const WITH_USER_INDEXES = args.has("with-user-indexes");
/** The indexes migration 7 dropped, and the one it made. */
const BEFORE_MIGRATION_7 = `
  DROP INDEX events_time;
  CREATE INDEX events_user_time ON events (platform_id, user_id, ts);
  CREATE INDEX events_ts ON events (ts);
  CREATE INDEX activity_slots_user ON activity_slots (platform_id, user_id);
  CREATE INDEX event_counts_user ON event_counts (platform_id, user_id);
`;
if (!Number.isInteger(EVENTS) || EVENTS < 1 || EVENTS > 200_000_000) {
  throw new Error("--events: 1 to 200,000,000");
}

/** @param {string} url @param {string} sql */
async function run(url, sql) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const name = `rollcall_sim_${randomBytes(4).toString("hex")}`;
const url = new URL(ADMIN_URL);
url.pathname = `/${name}`;
const dataDir = mkdtempSync(join(tmpdir(), "rollcall-backfill-rate-"));
await run(ADMIN_URL, `CREATE DATABASE ${name}`);
try {
  if (WITH_USER_INDEXES) {
    const { openPostgresStorage } = await import(
      "../../packages/server/src/storage/postgres/postgres-storage.ts"
    );
    const storage = openPostgresStorage(url.toString());
    await storage.migrate();
    await storage.close();
    await run(url.toString(), BEFORE_MIGRATION_7);
  }
  const child = forkChild(
    join(ROOT, "bench/generators/analytics-backfill.mjs"),
    {
      dataDir,
      databaseUrl: url.toString(),
      secret: BENCH_SECRET,
      users: 20_000,
      days: 60,
      apps: 4,
      messageShare: 0.5,
      events: EVENTS,
      runId: "rate",
      now: Date.now(),
      batch: 250_000,
    },
    { execArgv: ["--import", "tsx"] },
  );
  const started = performance.now();
  let last = { at: started, written: 0 };
  child.on("message", (/** @type {any} */ m) => {
    if (m.type !== "progress" || m.written - last.written < 1_000_000) return;
    const now = performance.now();
    const rate = Math.round((m.written - last.written) / ((now - last.at) / 1_000));
    console.log(
      `${m.written.toLocaleString("en-US")} events: ${rate.toLocaleString("en-US")} events/s since the last line`,
    );
    last = { at: now, written: m.written };
  });
  const done = await nextMessage(child, "done", Math.max(30 * 60_000, EVENTS * 2));
  await stopChild(child);
  console.log(
    `${WITH_USER_INDEXES ? "with the indexes by user (before migration 7)" : "today's schema"}: ${done.events.toLocaleString("en-US")} events in ${done.seconds.toFixed(1)} s, ${Math.round(done.events / done.seconds).toLocaleString("en-US")} events/s`,
  );
} finally {
  rmSync(dataDir, { recursive: true, force: true });
  await run(ADMIN_URL, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
