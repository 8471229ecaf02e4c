// http.events_per_s and http.single_event_per_s: POST /api/v1/events, acknowledged once durable.
import { slices, sourceAddress, startFleet } from "../harness/fleet.mjs";
import { log } from "../harness/log.mjs";
import { cpuSeconds, rssKb } from "../harness/proc-stats.mjs";
import { BENCH_SECRET, startBareHttp, startRollcall } from "../harness/servers.mjs";
import { round } from "../harness/stats.mjs";

const POSTERS = 2;

/**
 * Posts events from two processes for the plan's time, after a warm-up; also the analytics
 * scenario's ingest into a file that already holds its history.
 * @param {string} url
 * @param {number} pid
 * @param {{ batch: number, concurrency: number, durationMs: number, warmupMs: number, label: string }} plan
 */
export async function measureIngest(url, pid, plan) {
  const fleet = await startFleet("event-poster.mjs", POSTERS, (i) => ({
    url,
    secret: BENCH_SECRET,
    prefix: `${plan.label}-${i}`,
    batch: plan.batch,
    concurrency: slices(plan.concurrency, POSTERS)[i]?.count ?? 1,
    users: 10_000,
    apps: 10,
    localAddress: sourceAddress(i),
  }));
  try {
    await fleet.askAll({ cmd: "run", durationMs: plan.warmupMs }, "result", plan.warmupMs + 60_000);
    const cpuBefore = cpuSeconds(pid);
    const results = await fleet.askAll(
      { cmd: "run", durationMs: plan.durationMs },
      "result",
      plan.durationMs + 60_000,
    );
    const seconds = Math.max(...results.map((r) => r.seconds));
    const accepted = results.reduce((sum, r) => sum + r.accepted, 0);
    /** @type {Record<string, number>} */
    const statuses = {};
    for (const r of results) {
      for (const [status, n] of Object.entries(r.statuses)) {
        statuses[status] = (statuses[status] ?? 0) + /** @type {number} */ (n);
      }
    }
    const result = {
      eventsPerSecond: round(accepted / seconds, 0),
      accepted,
      seconds: round(seconds),
      statuses,
      requestLatency: results.map((r) => r.latency),
      serverCpuCores: round((cpuSeconds(pid) - cpuBefore) / seconds),
      serverRssKb: rssKb(pid),
      plan,
    };
    log(
      `${plan.label}: ${result.eventsPerSecond} events/s (batch ${plan.batch}, ${plan.concurrency} in flight), server CPU ${result.serverCpuCores}`,
    );
    return result;
  } finally {
    await fleet.stop();
  }
}

/** @param {{ quick: boolean }} context */
export async function run(context) {
  const durationMs = context.quick ? 10_000 : 30_000;
  const warmupMs = context.quick ? 2_000 : 5_000;
  const singlePlan = {
    batch: 1,
    concurrency: Number(process.env.BENCH_SINGLE_CONCURRENCY ?? 128),
    durationMs,
    warmupMs,
  };
  const server = await startRollcall();
  let batched;
  let single;
  try {
    batched = await measureIngest(server.url, server.pid, {
      batch: 100,
      concurrency: 32,
      durationMs,
      warmupMs,
      label: "batch100",
    });
    single = await measureIngest(server.url, server.pid, { ...singlePlan, label: "single" });
  } finally {
    await server.stop();
  }
  // The same one-event load on Node's HTTP server alone: the floor Rollcall's figure sits on.
  const bare = await startBareHttp();
  let bareNode;
  try {
    bareNode = await measureIngest(bare.url, bare.pid, {
      ...singlePlan,
      label: "single-bare-node",
    });
  } finally {
    await bare.stop();
  }
  const share = round(single.eventsPerSecond / bareNode.eventsPerSecond, 2);
  return {
    figures: {
      "http.events_per_s": {
        value: batched.eventsPerSecond,
        unit: "events/s",
        target: 50_000,
        higherIsBetter: true,
        note: "100 events per request, 32 requests in flight from 2 processes, 200 = durable",
      },
      "http.single_event_per_s": {
        value: single.eventsPerSecond,
        unit: "events/s",
        target: 10_000,
        higherIsBetter: true,
        note: `1 event per request, 128 requests in flight from 2 processes; Node's bare HTTP server (reads and parses the body, stores nothing) answered ${bareNode.eventsPerSecond.toLocaleString("en-US")}/s under the same load: Rollcall at ${Math.round(share * 100)} % of it`,
      },
    },
    details: { batched, single, bareNode },
  };
}
