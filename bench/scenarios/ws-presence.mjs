// ws.rss_per_connection_kb and ws.propagation_p99_ms: idle tabs' memory, then page changes → viewer.
import { join } from "node:path";
import { ask, forkChild, nextMessage, stopChild } from "../harness/children.mjs";
import { SOCKETS_PER_GENERATOR, slices, startFleet } from "../harness/fleet.mjs";
import { log, sleep } from "../harness/log.mjs";
import { scrapeCpuMs, scrapeMetrics } from "../harness/metrics-scraper.mjs";
import { cpuSeconds, rssKb } from "../harness/proc-stats.mjs";
import { BENCH_SECRET, ROOT, startBaseline, startRollcall } from "../harness/servers.mjs";
import { round } from "../harness/stats.mjs";
import { signViewerToken } from "../harness/tokens.mjs";

/** Tracker heartbeat for these runs; Socket.IO's own ping interval is 25 s. */
export const HEARTBEAT_SECONDS = 30;
const PAGE_EVERY_SECONDS = 30;

/**
 * @typedef {{ name: string, start: () => Promise<import("../harness/servers.mjs").ServerHandle>,
 *   tabs: string, viewer: string }} System
 */

/** @type {System[]} */
const SYSTEMS = [
  {
    name: "rollcall",
    start: () => startRollcall({ env: { ROLLCALL_HEARTBEAT_SECONDS: String(HEARTBEAT_SECONDS) } }),
    tabs: "tracker-tabs.mjs",
    viewer: "sse-viewer.mjs",
  },
  {
    name: "socket.io",
    start: () => startBaseline(),
    tabs: "socketio-tabs.mjs",
    viewer: "socketio-admin.mjs",
  },
];

/**
 * @param {System} system
 * @param {{ tabs: number, settleMs: number, windowMs: number, gzipWindowMs: number }} plan
 */
async function measure(system, plan) {
  const server = await system.start();
  const processes = Math.ceil(plan.tabs / SOCKETS_PER_GENERATOR);
  const parts = slices(plan.tabs, processes);
  /** @type {Awaited<ReturnType<typeof startFleet>> | null} */
  let fleet = null;
  /** @type {import("node:child_process").ChildProcess | null} */
  let viewer = null;
  try {
    await sleep(1_500);
    const rssBefore = rssKb(server.pid);
    fleet = await startFleet(system.tabs, processes, (i) => ({
      url: server.url,
      secret: BENCH_SECRET,
      ...parts[i],
      connectConcurrency: 64,
      app: "bench",
    }));
    const connected = await fleet.askAll({ cmd: "connect" }, "connected", 180_000);
    const open = connected.reduce((sum, c) => sum + c.open, 0);
    const failed = connected.reduce((sum, c) => sum + c.failed, 0);
    const connectMs = Math.max(...connected.map((c) => c.ms));
    const failures = connected.map((c) => c.failures).filter((f) => f && Object.keys(f).length);
    log(
      `${system.name}: ${open} tabs open (${failed} failed${failures.length ? `: ${JSON.stringify(failures)}` : ""}) in ${connectMs} ms; idling`,
    );
    await sleep(plan.settleMs);
    const rssIdle = rssKb(server.pid);
    const perConnectionKb = (rssIdle - rssBefore) / Math.max(1, open);

    const token = await signViewerToken(BENCH_SECRET);
    viewer = forkChild(join(ROOT, "bench/generators", system.viewer), { url: server.url, token });
    await nextMessage(viewer, "subscribed", 60_000);
    const f = /** @type {NonNullable<typeof fleet>} */ (fleet);
    await f.askEach(
      (i) => ({ cmd: "rates", pagesPerSecond: (parts[i]?.count ?? 0) / PAGE_EVERY_SECONDS }),
      "rates-set",
      10_000,
    );
    await sleep(3_000);
    await ask(viewer, { cmd: "reset" }, "reset-done", 10_000);
    const before = await f.askAll({ cmd: "stats" }, "stats", 10_000);
    const cpuBefore = cpuSeconds(server.pid);
    const t0 = performance.now();
    // Prometheus scraping Rollcall every second (15 s is usual) throughout the measured window.
    const scraper = system.name === "rollcall" ? scrapeMetrics(server.url, 1_000) : null;
    await sleep(plan.windowMs);
    const scraped = (await scraper?.stop()) ?? null;
    const report = await ask(viewer, { cmd: "report" }, "report", 30_000);
    const seconds = (performance.now() - t0) / 1_000;
    const cpu = (cpuSeconds(server.pid) - cpuBefore) / seconds;
    const after = await f.askAll({ cmd: "stats" }, "stats", 10_000);
    const metrics = scraped && {
      ...scraped,
      cpuMsPerScrape: round(await scrapeCpuMs(server.url, server.pid, cpuSeconds, 100)),
    };
    // Then a viewer asking for gzip, as browsers do (the figure's viewer, like the baseline's
    // admin, reads it plain): what compression adds, its decompression on a zlib thread included.
    let gzipPropagation = null;
    if (system.name === "rollcall") {
      await stopChild(viewer);
      viewer = forkChild(join(ROOT, "bench/generators", system.viewer), {
        url: server.url,
        token,
        gzip: true,
      });
      await nextMessage(viewer, "subscribed", 60_000);
      await ask(viewer, { cmd: "reset" }, "reset-done", 10_000);
      await sleep(plan.gzipWindowMs);
      gzipPropagation = (await ask(viewer, { cmd: "report" }, "report", 30_000)).latency;
      log(
        `${system.name}: a gzip viewer: propagation p50 ${gzipPropagation.p50} ms p99 ${gzipPropagation.p99} ms (${gzipPropagation.count} changes)`,
      );
    }
    const pagesSent =
      after.reduce((s, a) => s + a.sent.page, 0) - before.reduce((s, b) => s + b.sent.page, 0);
    const stillOpen = after.reduce((s, a) => s + a.open, 0);
    const result = {
      tabs: open,
      failed,
      stillOpen,
      connectMs,
      rssBeforeKb: rssBefore,
      rssIdleKb: rssIdle,
      rssAfterChangesKb: rssKb(server.pid),
      perConnectionKb: round(perConnectionKb),
      pageChangesPerSecond: round(pagesSent / seconds),
      serverCpuCores: round(cpu),
      propagation: report.latency,
      gzipPropagation,
      viewerEvents: report.events,
      metrics,
    };
    if (metrics) {
      log(
        `${system.name}: /metrics every second: p50 ${metrics.scrapeMs.p50} ms p95 ${metrics.scrapeMs.p95} ms (${metrics.scrapeMs.count} scrapes, ${metrics.failures} failed), ${metrics.bytes} bytes, tabs gauge ${metrics.tabs} of ${open} open; ${metrics.cpuMsPerScrape} ms of server CPU per scrape`,
      );
    }
    log(
      `${system.name}: ${result.perConnectionKb} KB/tab, propagation p50 ${result.propagation.p50} ms p99 ${result.propagation.p99} ms (${result.propagation.count} changes), server CPU ${result.serverCpuCores}`,
    );
    return result;
  } finally {
    const t0 = performance.now();
    if (viewer) await stopChild(viewer);
    if (fleet) await fleet.stop();
    await server.stop();
    log(`${system.name}: stopped in ${Math.round(performance.now() - t0)} ms`);
  }
}

/** @param {{ quick: boolean }} context */
export async function run(context) {
  const plan = context.quick
    ? { tabs: 5_000, settleMs: 5_000, windowMs: 15_000, gzipWindowMs: 8_000 }
    : { tabs: 19_000, settleMs: 15_000, windowMs: 60_000, gzipWindowMs: 20_000 };
  const rollcall = await measure(/** @type {System} */ (SYSTEMS[0]), plan);
  const baseline = await measure(/** @type {System} */ (SYSTEMS[1]), plan);
  const scale = `${plan.tabs.toLocaleString("en-US")} tabs${context.quick ? " (quick; full run: 19,000)" : ""}`;
  return {
    figures: {
      "ws.rss_per_connection_kb": {
        value: rollcall.perConnectionKb,
        unit: "KB/tab",
        baseline: baseline.perConnectionKb,
        ratio: round(rollcall.perConnectionKb / baseline.perConnectionKb, 3),
        target: 8,
        ratioTarget: 0.5,
        note: `server VmRSS growth ÷ open tabs, ${scale}, idle with heartbeats`,
      },
      "ws.propagation_p99_ms": {
        value: rollcall.propagation.p99,
        unit: "ms",
        baseline: baseline.propagation.p99,
        ratio: round(rollcall.propagation.p99 / baseline.propagation.p99, 3),
        target: 5,
        ratioTarget: 1,
        gzipP99Ms: rollcall.gzipPropagation?.p99 ?? null,
        note: `page change → viewer (reading the stream plain, as the baseline's admin socket reads its frames), ${scale}, each changing page every ~${PAGE_EVERY_SECONDS} s; a viewer asking for gzip, as browsers do, right after: p50 ${rollcall.gzipPropagation?.p50} ms, p99 ${rollcall.gzipPropagation?.p99} ms (its decompression on a zlib thread included)`,
      },
      "metrics.scrape_cpu_ms": {
        value: rollcall.metrics?.cpuMsPerScrape ?? null,
        unit: "ms",
        target: 5,
        note: `server CPU per GET /metrics (100 in a row, less the CPU the server used as long without them), ${scale}`,
      },
      "metrics.scrape_p95_ms": {
        value: rollcall.metrics?.scrapeMs.p95 ?? null,
        unit: "ms",
        target: 50,
        note: `GET /metrics every second through the page-change window, ${scale}: p50 ${rollcall.metrics?.scrapeMs.p50} ms, ${rollcall.metrics?.scrapeMs.count} scrapes (${rollcall.metrics?.failures} failed), ${rollcall.metrics?.bytes} bytes each; its tabs gauge read ${rollcall.metrics?.tabs} with ${rollcall.tabs} open (the propagation and CPU figures above include these scrapes)`,
      },
    },
    details: { plan, rollcall, baseline },
  };
}
