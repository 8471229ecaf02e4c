// analytics.*: one history (20,000 users, 60 days, 4 apps, half messages; 2 M / 10 M / 100 M
// events) written into SQLite and into PostgreSQL, the same 24 Users-analytics questions asked of
// both over HTTP: p95 per view, parity of every answer, ready after a restart, RSS.
// BENCH_ANALYTICS_STORAGES=pg (or sqlite) measures one of them alone: no parity, half the disk.

import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { forkChild, nextMessage, stopChild } from "../harness/children.mjs";
import { log, sleep } from "../harness/log.mjs";
import {
  admin,
  analyze,
  benchDatabaseName,
  databaseUrl,
  dropDatabase,
} from "../harness/postgres-database.mjs";
import { rssKb } from "../harness/proc-stats.mjs";
import { BENCH_SECRET, ROOT, startRollcall } from "../harness/servers.mjs";
import { round } from "../harness/stats.mjs";
import { signViewerToken } from "../harness/tokens.mjs";
import { figuresOf } from "./analytics-figures.mjs";
import { HISTORY, questions, TZ } from "./analytics-questions.mjs";
import { askRounds, viewLatencies } from "./analytics-rounds.mjs";
import { measureIngest } from "./http-ingest.mjs";

/** The analytics must answer within this after a (re)start, or the scenario fails. */
const READY_TIMEOUT_MS = 30 * 60_000;

/**
 * @typedef {import("./analytics-questions.mjs").Question} Question
 * @typedef {{ name: string, env: Record<string, string>, dataDir: string }} Target
 */

/**
 * Writes the history through the server's storage module (see analytics-backfill.mjs).
 * @param {Target} target
 * @param {{ events: number, runId: string, now: number }} history
 */
async function backfill(target, history) {
  const child = forkChild(
    join(ROOT, "bench/generators/analytics-backfill.mjs"),
    {
      dataDir: target.dataDir,
      ...(target.env.ROLLCALL_DATABASE_URL
        ? { databaseUrl: target.env.ROLLCALL_DATABASE_URL }
        : {}),
      secret: BENCH_SECRET,
      ...HISTORY,
      ...history,
      // A big transaction touches each user's pages about once, however many events the user
      // has in it (measured when the rollups still had indexes by user: 4 M events in 124 s in
      // transactions of 250,000, 150 s in transactions of 50,000; 1,000,000 was no faster).
      batch: 250_000,
    },
    { execArgv: ["--import", "tsx"] },
  );
  child.on("message", (/** @type {any} */ m) => {
    if (m.type === "progress")
      log(`analytics ${target.name}: backfilled ${m.written.toLocaleString("en-US")} events`);
  });
  // Bounded, at 1,000 events/s or more.
  const done = await nextMessage(child, "done", Math.max(60 * 60_000, history.events));
  await stopChild(child);
  log(
    `analytics ${target.name}: ${done.events.toLocaleString("en-US")} events for ${done.users.toLocaleString("en-US")} users written in ${done.seconds.toFixed(1)} s`,
  );
  return done;
}

/** @param {number} bytes */
const mbOf = (bytes) => Math.round(bytes / 1e5) / 10;

/**
 * The index's memory, measured on the snapshot file a server saved (index-memory.mjs).
 * @param {string} file
 * @returns {Promise<{ heldBytes: number, activeUserDays: number, bytesPerUserDay: number, snapshotBytes: number }>}
 */
async function indexMemoryOf(file) {
  const child = forkChild(
    join(ROOT, "bench/generators/index-memory.mjs"),
    { file },
    { execArgv: ["--expose-gc", "--import", "tsx"] },
  );
  try {
    return await nextMessage(child, "done", 10 * 60_000);
  } finally {
    await stopChild(child);
  }
}

/**
 * Starts a server on `target`'s data and waits until its analytics answer (not "loading").
 * @param {Target} target
 * @param {string} token
 */
async function startReady(target, token) {
  const t0 = performance.now();
  const server = await startRollcall({
    dataDir: target.dataDir,
    keepData: true,
    env: target.env,
    startTimeoutMs: 120_000,
  });
  try {
    const readyMs = await analyticsAnswer(server.url, token, t0, READY_TIMEOUT_MS);
    log(
      `analytics ${target.name}: server answered /healthz after ${(server.startMs / 1_000).toFixed(1)} s, its analytics ${(readyMs / 1_000).toFixed(1)} s after the process started`,
    );
    return { server, readySeconds: round(readyMs / 1_000), rssKb: rssKb(server.pid) };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/**
 * Asks an analytics question until it is answered (an analytics request waits for the load, or
 * is refused while loading); returns the ms from `since` (the process start) to that answer.
 * @param {string} url
 * @param {string} token
 * @param {number} since
 * @param {number} timeoutMs
 */
async function analyticsAnswer(url, token, since, timeoutMs) {
  const deadline = since + timeoutMs;
  const path = `/api/v1/apps/_all/analytics/users/summary?range=today&tz=${TZ}`;
  let last = "no answer yet";
  while (performance.now() < deadline) {
    const health = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5_000) })
      .then((r) => r.json())
      .catch(() => null);
    if (health?.analytics === "failed") throw new Error("the server failed to load its analytics");
    try {
      const limit = Math.max(1, Math.min(10_000, deadline - performance.now()));
      const response = await fetch(`${url}${path}`, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(limit),
      });
      const body = await response.text();
      if (response.status === 200) return performance.now() - since;
      last = `${response.status} ${body.slice(0, 200)}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await sleep(100);
  }
  throw new Error(`the analytics did not answer within ${timeoutMs / 60_000} min: ${last}`);
}

/** @typedef {"sqlite" | "pg"} StorageName */

/**
 * @param {number} events
 * @param {boolean} quick
 * @param {StorageName[]} storages which storages get the history and the questions
 */
async function measure(events, quick, storages) {
  const database = benchDatabaseName();
  /** @type {Record<StorageName, Target>} */
  const every = {
    sqlite: { name: "sqlite", env: {}, dataDir: "" },
    pg: { name: "pg", env: { ROLLCALL_DATABASE_URL: databaseUrl(database) }, dataDir: "" },
  };
  /** @type {Partial<Record<StorageName, Target>>} */
  const targets = {};
  for (const name of storages) {
    const dataDir = mkdtempSync(join(tmpdir(), `rollcall-bench-analytics-${name}-`));
    targets[name] = { ...every[name], dataDir };
  }
  const targetOf = (/** @type {StorageName} */ name) => /** @type {Target} */ (targets[name]);
  const hasPg = storages.includes("pg");
  /** @type {import("../harness/servers.mjs").ServerHandle[]} */
  const running = [];
  let isDatabaseCreated = false;
  try {
    if (hasPg) {
      await admin(`CREATE DATABASE ${database}`);
      isDatabaseCreated = true;
    }
    const history = { events, runId: randomBytes(4).toString("hex"), now: Date.now() };
    /** @type {Partial<Record<StorageName, { events: number, users: number, seconds: number }>>} */
    const filled = {};
    for (const name of storages) filled[name] = await backfill(targetOf(name), history);
    let analyzeSeconds = null;
    if (hasPg) {
      // Fresh tables have no statistics until autovacuum gets to them: the planner's first plans
      // on them are guesses (the table for _all over 60 days took 44 s at 20,000 events once).
      const t0Analyze = performance.now();
      await analyze(database, 30 * 60_000);
      analyzeSeconds = round((performance.now() - t0Analyze) / 1_000);
      log(`analytics pg: ANALYZE after the backfill took ${analyzeSeconds} s`);
    }
    const token = await signViewerToken(BENCH_SECRET);

    // Every server up, the same questions of each in the same rounds.
    /** @type {Partial<Record<StorageName, { readySeconds: number, rssKb: number, pid: number }>>} */
    const firstStart = {};
    /** @type {Record<string, string>} */
    const urls = {};
    for (const name of storages) {
      const first = await startReady(targetOf(name), token);
      running.push(first.server);
      firstStart[name] = {
        readySeconds: first.readySeconds,
        rssKb: first.rssKb,
        pid: first.server.pid,
      };
      urls[name] = first.server.url;
    }
    const list = questions(Date.now());
    const asked = await askRounds(
      urls,
      token,
      list,
      quick ? { rounds: 5, budgetMs: 240_000 } : { rounds: 20, budgetMs: 1_200_000 },
    );
    /** @type {Partial<Record<StorageName, Record<string, import("./analytics-rounds.mjs").ViewLatency>>>} */
    const latency = {};
    /** @type {Partial<Record<StorageName, number>>} */
    const rssAfterQuestionsKb = {};
    for (const name of storages) {
      const views = viewLatencies(asked.times[name] ?? [], list);
      latency[name] = views;
      for (const [view, { latency: l, worst }] of Object.entries(views)) {
        log(
          `analytics ${name} ${view}: p50 ${l.p50} ms p95 ${l.p95} ms (${l.count}); slowest ${worst.path}: p95 ${worst.latency.p95} ms`,
        );
      }
      rssAfterQuestionsKb[name] = rssKb(/** @type {number} */ (firstStart[name]?.pid));
    }
    for (const server of running.splice(0)) await server.stop();

    // Each on its own: stopped, started again on the same data, timed until its analytics answer.
    /** @type {Partial<Record<StorageName, any>>} */
    const restart = {};
    for (const name of storages) {
      const again = await startReady(targetOf(name), token);
      running.push(again.server);
      /** @type {Record<string, unknown>} */
      const measuredHere = { readySeconds: again.readySeconds, rssKb: again.rssKb };
      if (name === "sqlite") {
        // Ingest into the file that holds this history (http.events_per_s writes to an empty one).
        measuredHere.ingest = await measureIngest(again.server.url, again.server.pid, {
          batch: 100,
          concurrency: 32,
          durationMs: quick ? 10_000 : 30_000,
          warmupMs: quick ? 2_000 : 5_000,
          label: `ingest-after-${events / 1_000_000}M`,
        });
      }
      restart[name] = measuredHere;
      await /** @type {import("../harness/servers.mjs").ServerHandle} */ (running.pop()).stop();
    }
    // A node joining the cluster: an empty data directory, so it starts from the index snapshot
    // shared in PostgreSQL (saved there after the first start's full load) and the log after it.
    let joining = null;
    if (hasPg) {
      const joiningDir = mkdtempSync(join(tmpdir(), "rollcall-bench-analytics-join-"));
      try {
        const node = await startReady(
          { ...targetOf("pg"), name: "pg joining", dataDir: joiningDir },
          token,
        );
        joining = { readySeconds: node.readySeconds, rssKb: node.rssKb };
        await node.server.stop();
      } finally {
        rmSync(joiningDir, { recursive: true, force: true });
      }
    }
    const snapshotFile = { sqlite: "rollcall.index", pg: "rollcall-postgres.index" };
    /** @type {Partial<Record<StorageName, Awaited<ReturnType<typeof indexMemoryOf>>>>} */
    const indexMemory = {};
    for (const name of storages) {
      const held = await indexMemoryOf(join(targetOf(name).dataDir, snapshotFile[name]));
      indexMemory[name] = held;
      log(
        `analytics ${name}: index ${mbOf(held.heldBytes)} MB held for ${held.activeUserDays.toLocaleString("en-US")} active user-days (${held.bytesPerUserDay} B each); snapshot ${mbOf(held.snapshotBytes)} MB`,
      );
    }
    return {
      events,
      storages,
      history: { ...HISTORY, now: history.now, runId: history.runId },
      database,
      filled,
      analyzeSeconds,
      firstStart,
      rssAfterQuestionsKb,
      questions: list.map((q) => q.path),
      rounds: asked.rounds,
      latency,
      parity: list.map((q, i) => ({ path: q.path, ...asked.parity[i] })),
      restart,
      joining,
      indexMemory,
    };
  } finally {
    for (const server of running) await server.stop().catch(() => undefined);
    // 100 M events are ~20 GB: never left behind.
    for (const target of Object.values(targets)) {
      rmSync(target.dataDir, { recursive: true, force: true });
    }
    if (isDatabaseCreated) {
      await dropDatabase(database).then(
        () => log(`analytics: database ${database} dropped`),
        (error) => log(`analytics: could not drop database ${database}: ${error.message}`),
      );
    }
  }
}

/**
 * The storages named in `BENCH_ANALYTICS_STORAGES` (`sqlite,pg` when unset).
 * @param {string | undefined} asked
 * @returns {StorageName[]}
 */
function storagesAsked(asked) {
  if (asked === undefined || asked === "") return ["sqlite", "pg"];
  const names = [...new Set(asked.split(",").map((name) => name.trim()))];
  const unknown = names.filter((name) => name !== "sqlite" && name !== "pg");
  if (unknown.length > 0 || names.length === 0) {
    throw new Error(
      `BENCH_ANALYTICS_STORAGES: expected sqlite, pg or both, comma-separated; got "${asked}"`,
    );
  }
  return /** @type {StorageName[]} */ (names);
}

/** @param {{ quick: boolean }} context */
export async function run(context) {
  // Quick: 2 M events, full: 10 M; BENCH_ANALYTICS_EVENTS=100000000 (or a list) measures the
  // sizes listed instead (100 M: hours of backfill, SQLite's ~35 min and PostgreSQL's more).
  const only = process.env.BENCH_ANALYTICS_EVENTS;
  const main = context.quick ? 2_000_000 : 10_000_000;
  const sizes = only ? only.split(",").map(Number) : [main];
  const storages = storagesAsked(process.env.BENCH_ANALYTICS_STORAGES);
  /** @type {Record<string, Record<string, unknown>>} */
  const figures = {};
  /** @type {Record<string, unknown>} */
  const details = {};
  for (const events of sizes) {
    const measured = await measure(events, context.quick, storages);
    details[String(events)] = measured;
    const suffix = events === main ? "" : `@${events / 1_000_000}M`;
    Object.assign(figures, figuresOf(measured, suffix, context.quick));
    for (const p of measured.parity.filter((q) => q.unequalRounds > 0)) {
      log(
        `analytics parity: ${p.path} differed in ${p.unequalRounds} of ${p.rounds} rounds: ${[...p.failures, ...p.differences].slice(0, 5).join("; ")}`,
      );
    }
  }
  return { figures, details };
}
