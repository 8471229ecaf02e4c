// analytics.*: one history (20,000 users, 60 days, 4 apps, half messages; 2 M / 10 M / 100 M
// events) written into SQLite and into PostgreSQL, the same 24 Users-analytics questions asked of
// both over HTTP: p95 per view, parity of every answer, ready after a restart, RSS.

import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ask, forkChild, nextMessage, stopChild } from "../harness/children.mjs";
import { differences } from "../harness/first-difference.mjs";
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
import { round, summarize } from "../harness/stats.mjs";
import { signViewerToken } from "../harness/tokens.mjs";
import { measureIngest } from "./http-ingest.mjs";

/** Issue 22's reference history: the same shape at every size, only the events grow. */
const HISTORY = { users: 20_000, days: 60, apps: 4, messageShare: 0.5 };
const TZ = "Europe/Berlin";
const SCOPES = ["_all", "app-3"];
const RANGES = ["7d", "30d", "60d"];
/** Figure name (after `analytics.` or `analytics.pg.`) → endpoint and its own parameters. */
const VIEWS = {
  summary: { endpoint: "summary", params: "" },
  active_over_time: { endpoint: "active-over-time", params: "" },
  heatmap: { endpoint: "heatmap", params: "" },
  table: { endpoint: "table", params: "&sort=messagesSent&order=desc&limit=50" },
};
/** One question may take this long (PostgreSQL's table takes seconds with today's code). */
const REQUEST_TIMEOUT_MS = 120_000;
/** The analytics must answer within this after a (re)start, or the scenario fails. */
const READY_TIMEOUT_MS = 30 * 60_000;
/** How many differing fields are kept per question in details.json. */
const DIFFERENCES_KEPT = 20;

/**
 * @typedef {{ view: keyof typeof VIEWS, scope: string, range: string, path: string }} Question
 * @typedef {{ name: string, env: Record<string, string>, dataDir: string }} Target
 */

/**
 * The local date `YYYY-MM-DD` of `epoch` in `tz`, `minusDays` days earlier.
 * @param {number} epoch
 * @param {string} tz
 * @param {number} [minusDays]
 */
function localDate(epoch, tz, minusDays = 0) {
  const [y, m, d] = new Intl.DateTimeFormat("en-CA", {
    timeZone: tz,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  })
    .format(epoch)
    .split("-")
    .map(Number);
  return new Date(Date.UTC(Number(y), Number(m) - 1, Number(d) - minusDays))
    .toISOString()
    .slice(0, 10);
}

/**
 * The 24 questions: every view, for `_all` and one app, over 7, 30 and 60 days (60 is a custom
 * range: the API's named ranges stop at 30 days) ending today in Europe/Berlin.
 * @param {number} now
 * @returns {Question[]}
 */
function questions(now) {
  /** @type {Record<string, string>} */
  const ranges = {
    "7d": "range=7d",
    "30d": "range=30d",
    "60d": `range=custom&from=${localDate(now, TZ, 59)}&to=${localDate(now, TZ)}`,
  };
  /** @type {Question[]} */
  const list = [];
  for (const [view, { endpoint, params }] of Object.entries(VIEWS)) {
    for (const scope of SCOPES) {
      for (const range of RANGES) {
        list.push({
          view: /** @type {keyof typeof VIEWS} */ (view),
          scope,
          range,
          path: `/api/v1/apps/${scope}/analytics/users/${endpoint}?${ranges[range]}&tz=${TZ}${params}`,
        });
      }
    }
  }
  return list;
}

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

/**
 * Asks every question of both servers, round after round (the first a warm-up), one request at a
 * time, each question of SQLite then at once of PostgreSQL; compares every answer field by field.
 * No new round starts once the measured ones have taken `budgetMs`.
 * @param {Record<string, string>} urls name → server URL
 * @param {string} token
 * @param {Question[]} list
 * @param {{ rounds: number, budgetMs: number }} plan
 */
async function askRounds(urls, token, list, plan) {
  const names = Object.keys(urls);
  const prober = forkChild(join(ROOT, "bench/generators/http-prober.mjs"), {
    url: urls[names[0] ?? ""],
    token,
  });
  try {
    await nextMessage(prober, "ready", 10_000);
    const requests = list.flatMap((q) => names.map((name) => ({ url: urls[name], path: q.path })));
    /** @type {Record<string, number[][]>} name → per question, its measured times */
    const times = Object.fromEntries(names.map((name) => [name, list.map(() => [])]));
    /** @type {Array<{ rounds: number, unequalRounds: number, failures: string[], differences: string[] }>} */
    const parity = list.map(() => ({ rounds: 0, unequalRounds: 0, failures: [], differences: [] }));
    const started = performance.now();
    let measuredFrom = started;
    let measured = 0;
    for (let r = 0; r <= plan.rounds; r++) {
      // The budget counts the measured rounds only: at least one, however slow.
      if (r === 1) measuredFrom = performance.now();
      if (r > 1 && performance.now() - measuredFrom > plan.budgetMs) break;
      const { answers } = await ask(
        prober,
        { cmd: "ask", requests, timeoutMs: REQUEST_TIMEOUT_MS },
        "asked",
        requests.length * REQUEST_TIMEOUT_MS + 10_000,
      );
      for (let i = 0; i < list.length; i++) {
        const mine = names.map((_, s) => answers[i * names.length + s]);
        const check = /** @type {(typeof parity)[number]} */ (parity[i]);
        check.rounds++;
        const failed = mine.flatMap((a, s) =>
          a.status === 200 ? [] : [`${names[s]}: ${a.status} ${a.body.slice(0, 200)}`],
        );
        if (failed.length > 0) {
          check.unequalRounds++;
          check.failures.push(...failed);
        } else {
          const [a, b] = mine.map((answer) => JSON.parse(answer.body));
          const found = differences(a, b, DIFFERENCES_KEPT);
          if (found.length > 0) {
            check.unequalRounds++;
            if (check.differences.length === 0) check.differences = found;
          }
        }
        if (r === 0) continue; // the warm-up: compared, not timed
        names.forEach((name, s) => {
          if (mine[s].status === 200) times[name]?.[i]?.push(mine[s].ms);
        });
      }
      if (r > 0) measured++;
      log(
        `analytics: round ${r === 0 ? "0 (warm-up)" : r} of ${plan.rounds} asked in ${((performance.now() - started) / 1_000).toFixed(1)} s so far`,
      );
    }
    return { times, parity, rounds: measured };
  } finally {
    await stopChild(prober);
  }
}

/**
 * @typedef {{ path: string, latency: ReturnType<typeof summarize> }} QuestionLatency
 * @typedef {{ latency: ReturnType<typeof summarize>, worst: QuestionLatency,
 *   questions: QuestionLatency[] }} ViewLatency
 */

/**
 * p95 of every answer of each view (all its questions, all rounds), and its slowest question.
 * @param {number[][]} times per question
 * @param {Question[]} list
 * @returns {Record<string, ViewLatency>}
 */
function viewLatencies(times, list) {
  /** @type {Record<string, ViewLatency>} */
  const views = {};
  for (const view of Object.keys(VIEWS)) {
    const mine = list.flatMap((q, i) => (q.view === view ? [i] : []));
    const questions = mine.map((i) => ({
      path: /** @type {Question} */ (list[i]).path,
      latency: summarize(times[i] ?? []),
    }));
    const worst = [...questions].sort((a, b) => b.latency.p95 - a.latency.p95)[0];
    views[view] = {
      latency: summarize(mine.flatMap((i) => times[i] ?? [])),
      worst: /** @type {QuestionLatency} */ (worst),
      questions,
    };
  }
  return views;
}

/**
 * @param {number} events
 * @param {boolean} quick
 */
async function measure(events, quick) {
  const database = benchDatabaseName();
  /** @type {Record<"sqlite" | "pg", Target>} */
  const targets = {
    sqlite: {
      name: "sqlite",
      env: {},
      dataDir: mkdtempSync(join(tmpdir(), "rollcall-bench-analytics-")),
    },
    pg: {
      name: "pg",
      env: { ROLLCALL_DATABASE_URL: databaseUrl(database) },
      dataDir: mkdtempSync(join(tmpdir(), "rollcall-bench-analytics-pg-")),
    },
  };
  /** @type {import("../harness/servers.mjs").ServerHandle[]} */
  const running = [];
  let isDatabaseCreated = false;
  try {
    await admin(`CREATE DATABASE ${database}`);
    isDatabaseCreated = true;
    const history = { events, runId: randomBytes(4).toString("hex"), now: Date.now() };
    const filled = {
      sqlite: await backfill(targets.sqlite, history),
      pg: await backfill(targets.pg, history),
    };
    // Fresh tables have no statistics until autovacuum gets to them: the planner's first plans
    // on them are guesses (the table for _all over 60 days took 44 s at 20,000 events once).
    const t0Analyze = performance.now();
    await analyze(database, 30 * 60_000);
    const analyzeSeconds = round((performance.now() - t0Analyze) / 1_000);
    log(`analytics pg: ANALYZE after the backfill took ${analyzeSeconds} s`);
    const token = await signViewerToken(BENCH_SECRET);

    // Both servers up, the same questions of both in the same rounds.
    const firstSqlite = await startReady(targets.sqlite, token);
    running.push(firstSqlite.server);
    const firstPg = await startReady(targets.pg, token);
    running.push(firstPg.server);
    const list = questions(Date.now());
    const asked = await askRounds(
      { sqlite: firstSqlite.server.url, pg: firstPg.server.url },
      token,
      list,
      quick ? { rounds: 5, budgetMs: 240_000 } : { rounds: 20, budgetMs: 1_200_000 },
    );
    const latency = {
      sqlite: viewLatencies(asked.times.sqlite ?? [], list),
      pg: viewLatencies(asked.times.pg ?? [], list),
    };
    for (const [name, views] of Object.entries(latency)) {
      for (const [view, { latency: l, worst }] of Object.entries(views)) {
        log(
          `analytics ${name} ${view}: p50 ${l.p50} ms p95 ${l.p95} ms (${l.count}); slowest ${worst.path}: p95 ${worst.latency.p95} ms`,
        );
      }
    }
    const rssAfterQuestionsKb = {
      sqlite: rssKb(firstSqlite.server.pid),
      pg: rssKb(firstPg.server.pid),
    };
    for (const server of running.splice(0)) await server.stop();

    // Each on its own: stopped, started again on the same data, timed until its analytics answer.
    const restart = {};
    for (const name of /** @type {const} */ (["sqlite", "pg"])) {
      const again = await startReady(targets[name], token);
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
      Object.assign(restart, { [name]: measuredHere });
      await /** @type {import("../harness/servers.mjs").ServerHandle} */ (running.pop()).stop();
    }
    // A node joining the cluster: an empty data directory, so it starts from the index snapshot
    // shared in PostgreSQL (saved there after the first start's full load) and the log after it.
    const joiningDir = mkdtempSync(join(tmpdir(), "rollcall-bench-analytics-join-"));
    let joining;
    try {
      const node = await startReady(
        { ...targets.pg, name: "pg joining", dataDir: joiningDir },
        token,
      );
      joining = { readySeconds: node.readySeconds, rssKb: node.rssKb };
      await node.server.stop();
    } finally {
      rmSync(joiningDir, { recursive: true, force: true });
    }
    const indexMemory = {
      sqlite: await indexMemoryOf(join(targets.sqlite.dataDir, "rollcall.index")),
      pg: await indexMemoryOf(join(targets.pg.dataDir, "rollcall-postgres.index")),
    };
    log(
      `analytics: index ${mbOf(indexMemory.pg.heldBytes)} MB held for ${indexMemory.pg.activeUserDays.toLocaleString("en-US")} active user-days (${indexMemory.pg.bytesPerUserDay} B each; SQLite's ${indexMemory.sqlite.bytesPerUserDay} B); snapshot ${mbOf(indexMemory.pg.snapshotBytes)} MB`,
    );
    return {
      events,
      history: { ...HISTORY, now: history.now, runId: history.runId },
      database,
      filled,
      analyzeSeconds,
      firstStart: {
        sqlite: { readySeconds: firstSqlite.readySeconds, rssKb: firstSqlite.rssKb },
        pg: { readySeconds: firstPg.readySeconds, rssKb: firstPg.rssKb },
      },
      rssAfterQuestionsKb,
      questions: list.map((q) => q.path),
      rounds: asked.rounds,
      latency,
      parity: list.map((q, i) => ({ path: q.path, ...asked.parity[i] })),
      restart: /** @type {Record<"sqlite" | "pg", any>} */ (restart),
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
 * The figures of one size; `suffix` is "" for the run's own size, `@100M` for others.
 * @param {Awaited<ReturnType<typeof measure>>} measured
 * @param {string} suffix
 * @param {boolean} quick
 */
function figuresOf(measured, suffix, quick) {
  const { events } = measured;
  const millions = (events / 1_000_000).toString();
  const target = events > 10_000_000 ? 100 : 50;
  const shape = `${HISTORY.users.toLocaleString("en-US")} users, ${HISTORY.days} days, ${HISTORY.apps} apps, half messages, ${millions} M events${quick ? " (quick; full run: 10 M)" : ""}`;
  /** @type {Record<string, Record<string, unknown>>} */
  const figures = {};
  for (const view of Object.keys(VIEWS)) {
    const sqlite = /** @type {ViewLatency} */ (measured.latency.sqlite[view]);
    const pg = /** @type {ViewLatency} */ (measured.latency.pg[view]);
    const asked = `p95 of ${sqlite.latency.count} answers (${SCOPES.join(" and ")} × ${RANGES.join(", ")}; ${measured.rounds} rounds), tz ${TZ}, ${shape}`;
    figures[`analytics.${view}_p95_ms${suffix}`] = {
      value: sqlite.latency.p95,
      unit: "ms",
      target: 50,
      note: `SQLite: ${asked}; p50 ${sqlite.latency.p50} ms; slowest question ${sqlite.worst.path} (p95 ${sqlite.worst.latency.p95} ms)`,
    };
    figures[`analytics.pg.${view}_p95_ms${suffix}`] = {
      value: pg.latency.p95,
      unit: "ms",
      baseline: sqlite.latency.p95,
      ratio: round(pg.latency.p95 / sqlite.latency.p95, 1),
      target,
      note: `PostgreSQL, the same questions in the same rounds (baseline: SQLite's p95): ${asked}; p50 ${pg.latency.p50} ms; slowest question ${pg.worst.path} (p95 ${pg.worst.latency.p95} ms)`,
    };
  }
  const equal = measured.parity.filter((p) => p.unequalRounds === 0).length;
  const unequal = measured.parity.find((p) => p.unequalRounds > 0);
  const firstDiff = unequal
    ? `${unequal.path}: ${unequal.failures[0] ?? unequal.differences[0]}`
    : "none";
  figures[`analytics.parity${suffix}`] = {
    value: equal,
    unit: `/ ${measured.parity.length} equal`,
    target: measured.parity.length,
    higherIsBetter: true,
    note: `questions whose SQLite and PostgreSQL answers were equal in every field in every round (warm-up included; no field ignored: the answers hold nothing of the request's time); first difference: ${firstDiff}`,
  };
  const { sqlite, pg } = measured.restart;
  const restartNote = `from the process start to the first 200 of summary?range=today, on the data above (server stopped with SIGTERM, then started again)`;
  figures[`analytics.ready_after_restart_s${suffix}`] = {
    value: sqlite.readySeconds,
    unit: "s",
    target: 30,
    note: `SQLite: ${restartNote}; on the first start ${measured.firstStart.sqlite.readySeconds} s`,
  };
  figures[`analytics.pg.ready_after_restart_s${suffix}`] = {
    value: pg.readySeconds,
    unit: "s",
    baseline: sqlite.readySeconds,
    ratio: round(pg.readySeconds / sqlite.readySeconds, 2),
    target: 30,
    note: `PostgreSQL: ${restartNote}; on the first start ${measured.firstStart.pg.readySeconds} s`,
  };
  const mb = (/** @type {number} */ kb) => Math.round(kb / 1024);
  figures[`analytics.rss_mb${suffix}`] = {
    value: mb(sqlite.rssKb),
    unit: "MB",
    note: `SQLite server's VmRSS once its analytics answered after the restart; ${mb(measured.rssAfterQuestionsKb.sqlite)} MB after the question rounds (first start)`,
  };
  figures[`analytics.pg.rss_mb${suffix}`] = {
    value: mb(pg.rssKb),
    unit: "MB",
    baseline: mb(sqlite.rssKb),
    ratio: round(pg.rssKb / sqlite.rssKb, 2),
    note: `PostgreSQL server's VmRSS (Rollcall's process, not PostgreSQL's) once its analytics answered after the restart; ${mb(measured.rssAfterQuestionsKb.pg)} MB after the question rounds (first start)`,
  };
  const { joining, indexMemory, filled } = measured;
  const rate = (/** @type {{ events: number, seconds: number }} */ f) =>
    Math.round(f.events / f.seconds);
  figures[`analytics.pg.backfill_events_per_s${suffix}`] = {
    value: rate(filled.pg),
    unit: "events/s",
    baseline: rate(filled.sqlite),
    ratio: round(rate(filled.pg) / rate(filled.sqlite), 2),
    higherIsBetter: true,
    note: `the history written through the storage module's writeFacts in batches of 250,000 events (the bench's backfill, as an import would): PostgreSQL ${filled.pg.events.toLocaleString("en-US")} events in ${round(filled.pg.seconds)} s (baseline: SQLite's ${round(filled.sqlite.seconds)} s)`,
  };
  figures[`analytics.pg.ready_joining_s${suffix}`] = {
    value: joining.readySeconds,
    unit: "s",
    baseline: pg.readySeconds,
    ratio: round(joining.readySeconds / pg.readySeconds, 2),
    target: 30,
    note: `a PostgreSQL node joining with an empty data directory: from the process start to the first 200 of summary?range=today, starting from the index snapshot shared in the database (baseline: the restart on its own snapshot); its VmRSS then ${mb(joining.rssKb)} MB`,
  };
  figures[`analytics.index_bytes_per_user_day${suffix}`] = {
    value: indexMemory.pg.bytesPerUserDay,
    unit: "B",
    baseline: indexMemory.sqlite.bytesPerUserDay,
    note: `the activity index's heap and buffers (loaded from the PostgreSQL node's snapshot in a fresh process, after GC) per active user-day (a user active on a UTC day): ${mbOf(indexMemory.pg.heldBytes)} MB for ${indexMemory.pg.activeUserDays.toLocaleString("en-US")} user-days; snapshot file ${mbOf(indexMemory.pg.snapshotBytes)} MB (baseline: the SQLite node's, ${mbOf(indexMemory.sqlite.heldBytes)} MB)`,
  };
  figures[`analytics.ingest_events_per_s${suffix}`] = {
    value: sqlite.ingest.eventsPerSecond,
    unit: "events/s",
    target: 50_000,
    higherIsBetter: true,
    note: `POST /api/v1/events into the SQLite file holding the ${millions} M events above, as http.events_per_s (100 per request, 32 in flight, 200 = durable), after the restart`,
  };
  return figures;
}

/** @param {{ quick: boolean }} context */
export async function run(context) {
  // Quick: 2 M events, full: 10 M; BENCH_ANALYTICS_EVENTS=100000000 (or a list) measures the
  // sizes listed instead (100 M: hours of backfill, SQLite's ~35 min and PostgreSQL's more).
  const only = process.env.BENCH_ANALYTICS_EVENTS;
  const main = context.quick ? 2_000_000 : 10_000_000;
  const sizes = only ? only.split(",").map(Number) : [main];
  /** @type {Record<string, Record<string, unknown>>} */
  const figures = {};
  /** @type {Record<string, unknown>} */
  const details = {};
  for (const events of sizes) {
    const measured = await measure(events, context.quick);
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
