// analytics.*_p95_ms: the Users analytics queries over 30 days, 100,000 users, 1 M / 10 M events.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ask, forkChild, nextMessage, stopChild } from "../harness/children.mjs";
import { log } from "../harness/log.mjs";
import { rssKb } from "../harness/proc-stats.mjs";
import { BENCH_SECRET, ROOT, startRollcall } from "../harness/servers.mjs";
import { signViewerToken } from "../harness/tokens.mjs";
import { measureIngest } from "./http-ingest.mjs";

const USERS = 100_000;
const QUERIES = {
  "analytics.heatmap_p95_ms": "heatmap?range=30d&tz=Europe/Berlin",
  "analytics.active_over_time_p95_ms": "active-over-time?range=30d&tz=Europe/Berlin",
  "analytics.table_p95_ms":
    "table?range=30d&tz=Europe/Berlin&sort=messagesSent&order=desc&limit=50",
};

/**
 * Writes the history through the server's storage module (see analytics-backfill.mjs).
 * @param {string} dataDir
 * @param {number} events
 */
async function backfill(dataDir, events) {
  const child = forkChild(
    join(ROOT, "bench/generators/analytics-backfill.mjs"),
    {
      dataDir,
      secret: BENCH_SECRET,
      users: USERS,
      events,
      apps: 10,
      days: 30,
      now: Date.now(),
      // A big transaction touches each user's pages about once, however many events the user
      // has in it (measured when the rollups still had indexes by user: 4 M events in 124 s in
      // transactions of 250,000, 150 s in transactions of 50,000; 1,000,000 was no faster).
      batch: 250_000,
    },
    { execArgv: ["--import", "tsx"] },
  );
  child.on("message", (/** @type {any} */ m) => {
    if (m.type === "progress")
      log(`analytics: backfilled ${m.written.toLocaleString("en-US")} events`);
  });
  // Bounded, at 1,000 events/s or more.
  const done = await nextMessage(child, "done", Math.max(60 * 60_000, events / 5));
  await stopChild(child);
  return done;
}

/**
 * @param {number} events
 * @param {boolean} quick
 */
async function measure(events, quick) {
  const dataDir = mkdtempSync(join(tmpdir(), "rollcall-bench-analytics-"));
  try {
    return await measureIn(dataDir, events, quick);
  } finally {
    // 100 M events are ~30 GB: never left behind.
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * @param {string} dataDir
 * @param {number} events
 * @param {boolean} quick
 */
async function measureIn(dataDir, events, quick) {
  const filled = await backfill(dataDir, events);
  log(
    `analytics: ${filled.events.toLocaleString("en-US")} events for ${USERS.toLocaleString("en-US")} users written in ${filled.seconds.toFixed(1)} s`,
  );
  const server = await startRollcall({ dataDir });
  // The server answers at once; the activity index loads beside (minutes at 100 M events).
  const indexLoadMs = await analyticsLoaded(server.url, 30 * 60_000);
  log(
    `analytics: server answered after ${(server.startMs / 1_000).toFixed(1)} s, its analytics were ready after ${(indexLoadMs / 1_000).toFixed(1)} s more (index load)`,
  );
  /** @type {import("node:child_process").ChildProcess | null} */
  let prober = null;
  try {
    const token = await signViewerToken(BENCH_SECRET);
    prober = forkChild(join(ROOT, "bench/generators/http-prober.mjs"), { url: server.url, token });
    await nextMessage(prober, "ready", 10_000);
    /** @type {Record<string, Record<string, any>>} */
    const results = {};
    for (const scope of ["_all", "app-3"]) {
      for (const [figure, query] of Object.entries(QUERIES)) {
        const path = `/api/v1/apps/${scope}/analytics/users/${query}`;
        const probe = await ask(
          /** @type {import("node:child_process").ChildProcess} */ (prober),
          { cmd: "probe", path, warmup: 1, count: quick ? 20 : 100, maxMs: quick ? 8_000 : 60_000 },
          "probed",
          10 * 60_000,
        );
        results[`${figure}:${scope}`] = probe;
        log(
          `analytics ${scope} ${query.split("?")[0]}: p50 ${probe.latency.p50} ms p95 ${probe.latency.p95} ms (${probe.latency.count})`,
        );
      }
    }
    const serverRssKb = rssKb(server.pid);
    // Ingest into the file that holds this history (http.events_per_s writes to an empty one).
    const ingest = await measureIngest(server.url, server.pid, {
      batch: 100,
      concurrency: 32,
      durationMs: quick ? 10_000 : 30_000,
      warmupMs: quick ? 2_000 : 5_000,
      label: `ingest-after-${events / 1_000_000}M`,
    });
    return {
      events: filled.events,
      backfillSeconds: filled.seconds,
      serverStartSeconds: server.startMs / 1_000,
      indexLoadSeconds: indexLoadMs / 1_000,
      serverRssKb,
      results,
      ingest,
    };
  } finally {
    if (prober) await stopChild(prober);
    await server.stop();
  }
}

/**
 * Polls /healthz until the server's analytics are loaded; returns how long that took.
 * @param {string} url
 * @param {number} timeoutMs
 */
async function analyticsLoaded(url, timeoutMs) {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    const health = await (await fetch(`${url}/healthz`)).json();
    if (health.analytics === "ready") return performance.now() - started;
    if (health.analytics === "failed") throw new Error("the server failed to load its analytics");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the analytics did not load within ${timeoutMs / 60_000} min`);
}

/** @param {{ quick: boolean }} context */
export async function run(context) {
  // A full run measures 10 M and 100 M events (the 100 M backfill: ~40 min here, BENCHMARKS.md);
  // BENCH_ANALYTICS_EVENTS=100000000 measures only the sizes listed (to rerun one).
  const only = process.env.BENCH_ANALYTICS_EVENTS;
  const sizes = only
    ? only.split(",").map(Number)
    : context.quick
      ? [1_000_000]
      : [10_000_000, 100_000_000];
  /** @type {Record<string, Record<string, unknown>>} */
  const figures = {};
  /** @type {Record<string, unknown>} */
  const details = {};
  for (const events of sizes) {
    const measured = await measure(events, context.quick);
    details[String(events)] = measured;
    const suffix =
      events === (context.quick ? 1_000_000 : 10_000_000) ? "" : `@${events / 1_000_000}M`;
    for (const figure of Object.keys(QUERIES)) {
      const worst = ["_all", "app-3"]
        .map((scope) => measured.results[`${figure}:${scope}`])
        .sort((a, b) => b.latency.p95 - a.latency.p95)[0];
      figures[`${figure}${suffix}`] = {
        value: worst.latency.p95,
        unit: "ms",
        target: 50,
        note: `30d range, tz Europe/Berlin, ${USERS.toLocaleString("en-US")} users, ${(events / 1_000_000).toString()} M events${context.quick ? " (quick; full run: 10 M and 100 M)" : ""}; worst of app _all and app-3: ${worst.path}; backfill ${Math.round(measured.backfillSeconds).toLocaleString("en-US")} s, server up in ${measured.serverStartSeconds.toFixed(1)} s, its analytics loaded in ${measured.indexLoadSeconds.toFixed(1)} s more, its RSS ${Math.round(measured.serverRssKb / 1024).toLocaleString("en-US")} MB`,
      };
    }
    figures[`analytics.ingest_events_per_s${suffix}`] = {
      value: measured.ingest.eventsPerSecond,
      unit: "events/s",
      target: 50_000,
      higherIsBetter: true,
      note: `POST /api/v1/events into the file holding the ${(events / 1_000_000).toString()} M events above, as http.events_per_s (100 per request, 32 in flight, 200 = durable), after the queries`,
    };
  }
  return { figures, details };
}
