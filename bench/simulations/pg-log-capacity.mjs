// How many fact batches one PostgreSQL takes through the serialized index log (every writing
// transaction ends by updating the one `index_head` row, held to its commit), and how soon another
// node's index follows. N storages, opened with the server's own adapter, each stand for a node and
// write back to back (closed loop: one batch in flight per node, as a node's fact writer does), so
// the figures are the ceiling, not a node's everyday rate of one batch per 50 ms.
//
//   node --import tsx bench/simulations/pg-log-capacity.mjs [--seconds=15] [--writers=1,2,4,8]
//     [--marks=50] [--events=20]    (per batch; --marks=1 --events=1: the log's own ceiling)
//
// Creates rollcall_sim_<random> from BENCH_POSTGRES_URL's database (default
// postgres://postgres@127.0.0.1:5432/test, trust auth) and drops it at the end. Loopback only.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { openPostgresStorage } from "../../packages/server/src/storage/postgres/postgres-storage.ts";
import { emptyFactBatch, SLOT_MS } from "../../packages/server/src/storage/storage.ts";
import { summarize } from "../harness/stats.mjs";

const ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const args = new Map(
  process.argv.slice(2).map((arg) => {
    const [key, value = ""] = arg.replace(/^--/, "").split("=");
    return [key, value];
  }),
);
const ROUND_S = Number(args.get("seconds") ?? 15);
const WRITER_COUNTS = (args.get("writers") ?? "1,2,4,8").split(",").map(Number);
/** A node at a few thousand tabs, per 50-ms batch: users seen active, events posted. */
const MARKS_PER_BATCH = Number(args.get("marks") ?? 50);
const EVENTS_PER_BATCH = Number(args.get("events") ?? 20);
/** Users each node holds (distinct per node: the only row they share is index_head). */
const USERS_PER_NODE = 3_000;
/** Bounds: batches per writer per round, probes per round, and the whole run. */
const MAX_BATCHES = 200_000;
const PROBE_EVERY_MS = 250;
const PROBE_TIMEOUT_MS = 5_000;
const RUN_TIMEOUT_MS = 15 * 60_000;
const PLATFORM = "default";

const runTimer = setTimeout(() => {
  console.error("pg-log-capacity: run timeout; exiting");
  process.exit(2);
}, RUN_TIMEOUT_MS);
runTimer.unref();

/** @param {string} sql */
async function admin(sql) {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

/** @param {string} name */
function databaseUrl(name) {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * One node's batch: `MARKS_PER_BATCH` of its users seen active now (one app each), and
 * `EVENTS_PER_BATCH` events of its users; `probe` adds one mark in an app of its own.
 * @param {number} node
 * @param {number} n the batch's number on this node
 * @param {{ app: string, at: number } | null} probe
 */
function nodeBatch(node, n, probe) {
  const batch = emptyFactBatch();
  const now = Date.now();
  for (let i = 0; i < MARKS_PER_BATCH; i++) {
    const user = (n * MARKS_PER_BATCH + i) % USERS_PER_NODE;
    batch.activeSeen.push({
      platform: PLATFORM,
      user: `n${node}-u${user}`,
      app: `app-${user % 4}`,
      at: now,
    });
  }
  for (let i = 0; i < EVENTS_PER_BATCH; i++) {
    const user = Math.floor(Math.random() * USERS_PER_NODE);
    batch.events.push({
      platform: PLATFORM,
      id: `n${node}-${n}-${i}-${randomBytes(4).toString("hex")}`,
      user: `n${node}-u${user}`,
      name: i % 2 === 0 ? "message" : "view",
      app: `app-${user % 4}`,
      ts: now,
      props: null,
    });
  }
  if (probe) {
    batch.activeSeen.push({ platform: PLATFORM, user: "probe", app: probe.app, at: probe.at });
  }
  return batch;
}

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Whether the reader's index already holds the probe, without asking the database: the index the
 * keeper follows (a private field, read here only to see what LISTEN and the poll alone applied).
 * @param {any} reader
 * @param {{ app: string, at: number }} probe
 */
function passivelyHolds(reader, probe) {
  const index = reader.index?.index;
  if (!index) return false;
  const slot = Math.floor(probe.at / SLOT_MS);
  const [count] = index.countActiveUsers({ platform: PLATFORM, app: probe.app }, [
    { start: slot, end: slot + 1 },
  ]);
  return count > 0;
}

/**
 * One round: `count` writers for ROUND_S seconds; writer 0 carries a probe every PROBE_EVERY_MS,
 * which the reader looks for, alternately without asking (what following the log applied by
 * itself) and through countActiveUsers (which reads the log's head first).
 * @param {import("../../packages/server/src/storage/storage.ts").Storage[]} writers
 * @param {any} reader
 * @param {number} count
 * @param {number} round
 */
async function runRound(writers, reader, count, round) {
  const deadline = performance.now() + ROUND_S * 1_000;
  /** @type {number[]} */
  const latencies = [];
  /** @type {number[]} */
  const passiveLags = [];
  /** @type {number[]} */
  const answerMs = [];
  let answerMissed = 0;
  let probesLost = 0;
  let events = 0;
  let probeNumber = 0;
  let nextProbeAt = performance.now();
  /** @type {Promise<void>[]} */
  const probeChecks = [];

  /** @param {{ app: string, at: number }} probe @param {number} committedAt @param {boolean} passive */
  const check = async (probe, committedAt, passive) => {
    if (passive) {
      while (performance.now() - committedAt < PROBE_TIMEOUT_MS) {
        if (passivelyHolds(reader, probe)) {
          passiveLags.push(performance.now() - committedAt);
          return;
        }
        await sleep(1);
      }
      probesLost++;
      return;
    }
    const slot = Math.floor(probe.at / SLOT_MS);
    const [n] = await reader.countActiveUsers({ platform: PLATFORM, app: probe.app }, [
      { start: slot, end: slot + 1 },
    ]);
    answerMs.push(performance.now() - committedAt);
    if (n !== 1) answerMissed++;
  };

  /** @param {number} node */
  const write = async (node) => {
    const storage = /** @type {import("../../packages/server/src/storage/storage.ts").Storage} */ (
      writers[node]
    );
    for (let n = 0; n < MAX_BATCHES && performance.now() < deadline; n++) {
      /** @type {{ app: string, at: number } | null} */
      let probe = null;
      if (node === 0 && performance.now() >= nextProbeAt) {
        nextProbeAt += PROBE_EVERY_MS;
        probe = { app: `probe-${round}-${probeNumber++}`, at: Date.now() };
      }
      const batch = nodeBatch(node, n, probe);
      const started = performance.now();
      await storage.writeFacts(batch);
      const committedAt = performance.now();
      latencies.push(committedAt - started);
      events += batch.events.length;
      if (probe) probeChecks.push(check(probe, committedAt, probeNumber % 2 === 1));
    }
  };
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  await Promise.all(Array.from({ length: count }, (_, node) => write(node)));
  const seconds = (performance.now() - started) / 1_000;
  const cpu = process.cpuUsage(cpuBefore);
  await Promise.all(probeChecks);
  const latency = summarize(latencies);
  return {
    writers: count,
    seconds: Math.round(seconds * 10) / 10,
    batches: latencies.length,
    batchesPerS: Math.round(latencies.length / seconds),
    eventsPerS: Math.round(events / seconds),
    writeP50Ms: latency.p50,
    writeP99Ms: latency.p99,
    /** Cores this process (the writers and the reader, not PostgreSQL) kept busy. */
    clientCores: Math.round(((cpu.user + cpu.system) / 1e6 / seconds) * 100) / 100,
    passiveLag: summarize(passiveLags),
    answerWithProbe: summarize(answerMs),
    answerMissed,
    probesLost,
  };
}

async function main() {
  const name = `rollcall_sim_${randomBytes(4).toString("hex")}`;
  const loadAvg = (await import("node:os")).loadavg().map((l) => l.toFixed(1));
  console.log(`pg-log-capacity: database ${name}; load average before ${loadAvg.join(" ")}`);
  await admin(`CREATE DATABASE ${name}`);
  const url = databaseUrl(name);
  const maxWriters = Math.max(...WRITER_COUNTS);
  /** @type {import("../../packages/server/src/storage/storage.ts").Storage[]} */
  const writers = [];
  /** @type {any} */
  let reader = null;
  try {
    for (let i = 0; i < maxWriters; i++) writers.push(openPostgresStorage(url));
    await writers[0]?.migrate();
    reader = openPostgresStorage(url, { onBackgroundError: (e) => console.error(e) });
    await reader.warmUp(["message"]);
    const results = [];
    for (const [round, count] of WRITER_COUNTS.entries()) {
      const result = await runRound(writers, reader, count, round);
      results.push(result);
      console.log(
        `${count} writer(s): ${result.batchesPerS} batches/s, ${result.eventsPerS} events/s, ` +
          `writeFacts p50 ${result.writeP50Ms} ms p99 ${result.writeP99Ms} ms, ` +
          `client CPU ${result.clientCores} cores; reader applied ` +
          `without asking p50 ${result.passiveLag.p50} ms p99 ${result.passiveLag.p99} ms ` +
          `(${result.passiveLag.count} probes, ${result.probesLost} not seen in 5 s); ` +
          `countActiveUsers with the probe p50 ${result.answerWithProbe.p50} ms ` +
          `p99 ${result.answerWithProbe.p99} ms (${result.answerWithProbe.count}, ` +
          `${result.answerMissed} missed it)`,
      );
    }
    const sizes = new pg.Client({ connectionString: url });
    await sizes.connect();
    try {
      const { rows } = await sizes.query(
        `SELECT (SELECT count(*) FROM events) AS events,
           (SELECT count(*) FROM index_log) AS entries,
           (SELECT sum(octet_length(ops) + octet_length(events)) FROM index_log) AS log_text,
           pg_total_relation_size('index_log') AS log_bytes,
           pg_total_relation_size('events') AS events_bytes,
           pg_database_size(current_database()) AS db_bytes`,
      );
      const row = rows[0];
      const perEvent = (/** @type {string} */ key) =>
        Math.round(Number(row[key]) / Number(row.events));
      console.log(
        `stored: ${row.events} events in ${row.entries} log entries; index log ` +
          `${perEvent("log_text")} bytes of JSON per event, ${perEvent("log_bytes")} bytes on disk ` +
          `per event (table, TOAST, index; with ${MARKS_PER_BATCH} marks per ` +
          `${EVENTS_PER_BATCH} events); events table ${perEvent("events_bytes")} B/event; ` +
          `database ${(Number(row.db_bytes) / 1e6).toFixed(0)} MB`,
      );
    } finally {
      await sizes.end();
    }
    const after = (await import("node:os")).loadavg().map((l) => l.toFixed(1));
    console.log(`load average after ${after.join(" ")}`);
    console.log(JSON.stringify(results));
  } finally {
    await Promise.all(writers.map((w) => w.close().catch(() => undefined)));
    await reader?.close().catch(() => undefined);
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    console.log(`pg-log-capacity: database ${name} dropped`);
  }
}

await main();
