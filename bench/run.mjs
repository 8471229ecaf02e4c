// `npm run bench [-- --quick] [-- --only=a,b] [-- --charts]`: runs every scenario in sequence,
// prints the table, writes bench/results/latest.json (and charts for full runs).
import { execSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { cpus, freemem, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { killAllChildrenNow, stopAllChildren } from "./harness/children.mjs";
import { log } from "./harness/log.mjs";
import { ROOT } from "./harness/servers.mjs";
import { writeOnlyResults, writeResults } from "./report/results-json.mjs";
import { writeCharts } from "./report/svg-charts.mjs";
import { formatTable } from "./report/table.mjs";
import * as analytics from "./scenarios/analytics.mjs";
import * as cluster from "./scenarios/cluster.mjs";
import * as httpIngest from "./scenarios/http-ingest.mjs";
import * as presenceSummary from "./scenarios/presence-summary.mjs";
import * as trackerSize from "./scenarios/tracker-size.mjs";
import * as wsPresence from "./scenarios/ws-presence.mjs";
import * as wsThroughput from "./scenarios/ws-throughput.mjs";

/**
 * In run order; `figures` names what a scenario reports, so a failure still shows every figure.
 * @type {Array<{ id: string, figures: string[], run: (context: { quick: boolean }) => Promise<{ figures: Record<string, any>, details: Record<string, unknown> }> }>}
 */
const SCENARIOS = [
  { id: "tracker-size", figures: ["tracker.gzip_bytes"], run: trackerSize.run },
  {
    id: "http-ingest",
    figures: ["http.events_per_s", "http.single_event_per_s"],
    run: httpIngest.run,
  },
  {
    id: "ws-presence",
    figures: [
      "ws.rss_per_connection_kb",
      "ws.propagation_p99_ms",
      "metrics.scrape_p95_ms",
      "metrics.scrape_cpu_ms",
    ],
    run: wsPresence.run,
  },
  { id: "ws-throughput", figures: ["ws.messages_per_s"], run: wsThroughput.run },
  { id: "presence-summary", figures: ["presence.summary_p99_ms"], run: presenceSummary.run },
  {
    id: "analytics",
    figures: [
      "analytics.summary_p95_ms",
      "analytics.active_over_time_p95_ms",
      "analytics.heatmap_p95_ms",
      "analytics.table_p95_ms",
      "analytics.pg.summary_p95_ms",
      "analytics.pg.active_over_time_p95_ms",
      "analytics.pg.heatmap_p95_ms",
      "analytics.pg.table_p95_ms",
      "analytics.parity",
      "analytics.ready_after_restart_s",
      "analytics.pg.ready_after_restart_s",
      "analytics.rss_mb",
      "analytics.pg.rss_mb",
      "analytics.pg.ready_joining_s",
      "analytics.index_bytes_per_user_day",
      "analytics.pg.backfill_events_per_s",
      "analytics.ingest_events_per_s",
    ],
    run: analytics.run,
  },
  {
    id: "cluster",
    figures: ["cluster.connections", "cluster.propagation_p99_ms"],
    run: cluster.run,
  },
];

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    only: { type: "string" },
    charts: { type: "boolean", default: false },
  },
});
const quick = values.quick ?? false;
const only = values.only ? new Set(values.only.split(",")) : null;
const resultsDir = join(ROOT, "bench/results");

// Never leave a generator or server behind, whatever happens.
process.on("exit", killAllChildrenNow);
for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM"])) {
  process.once(signal, () => {
    log(`${signal}: stopping every child process`);
    stopAllChildren().finally(() => process.exit(130));
  });
}

function ensureBuilt() {
  const needed = ["packages/server/dist/cli.js", "packages/tracker/dist/tracker.js"];
  if (needed.every((file) => existsSync(join(ROOT, file)))) return;
  log("no build found: running npm run build once");
  execSync("npm run build --silent", { cwd: ROOT, stdio: "inherit" });
}

function machine() {
  const limits = readFileSync("/proc/self/limits", "utf8");
  const openFiles = /^Max open files\s+(\d+)/m.exec(limits)?.[1] ?? "unknown";
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? "unknown",
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    freeMemoryGiB: Math.round(freemem() / 2 ** 30),
    node: process.version,
    openFilesPerProcess: Number(openFiles),
  };
}

async function main() {
  ensureBuilt();
  const started = Date.now();
  const host = machine();
  log(
    `${quick ? "quick" : "full"} run on ${host.cpus} × ${host.cpuModel}, ${host.memoryGiB} GiB, node ${host.node}, ${host.openFilesPerProcess} open files per process`,
  );
  /** @type {Record<string, any>} */
  const figures = {};
  /** @type {Record<string, unknown>} */
  const details = {};
  for (const scenario of SCENARIOS) {
    if (only && !only.has(scenario.id)) continue;
    log(`scenario ${scenario.id}`);
    const t0 = Date.now();
    // The 1-minute load average before and after: other work on the machine shows up here.
    const loadBefore = loadavg()[0];
    try {
      const result = await scenario.run({ quick });
      Object.assign(figures, result.figures);
      details[scenario.id] = { ...result.details, loadBefore, loadAfter: loadavg()[0] };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log(`scenario ${scenario.id} failed: ${message}`);
      for (const name of scenario.figures) {
        figures[name] = {
          value: null,
          unit: "",
          note: `not measured: scenario failed: ${message}`,
        };
      }
      details[scenario.id] = { error: message };
    } finally {
      await stopAllChildren();
    }
    log(`scenario ${scenario.id} took ${((Date.now() - t0) / 1_000).toFixed(1)} s`);
  }
  const run = {
    mode: quick ? "quick" : "full",
    startedAt: new Date(started).toISOString(),
    seconds: Math.round((Date.now() - started) / 1_000),
    machine: host,
  };
  process.stdout.write(`\n${formatTable(figures)}\n\n`);
  if (!only) {
    writeResults(resultsDir, { figures, run, details });
  } else {
    writeOnlyResults(resultsDir, { figures, run: { ...run, only: [...only] }, details });
    log("--only: results in bench/results/only.json (latest.json stays a whole run's)");
  }
  // Charts show a whole run: a full one, or a quick one asked for with --charts.
  if (!only && (!quick || values.charts)) {
    const charts = writeCharts(resultsDir, figures, details);
    log(`charts: ${charts.map((c) => `bench/results/${c}`).join(", ")}`);
  }
  log(`done in ${run.seconds} s`);
}

main().then(
  () => process.exit(0),
  async (error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    await stopAllChildren();
    process.exit(1);
  },
);
