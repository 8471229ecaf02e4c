// ws.messages_per_s: tracker heartbeats and page changes one server process sustains, stepping
// the rate up while a viewer times the page changes (criterion: propagation p99 ≤ 25 ms). The
// same tabs then load a bare `ws` server at one rate: server CPU per message against the floor.
import { join } from "node:path";
import { ask, forkChild, nextMessage, stopChild } from "../harness/children.mjs";
import { slices, startFleet } from "../harness/fleet.mjs";
import { log, sleep } from "../harness/log.mjs";
import { cpuSeconds } from "../harness/proc-stats.mjs";
import {
  BENCH_SECRET,
  ROOT,
  startBareSocket,
  startBareWs,
  startRollcall,
} from "../harness/servers.mjs";
import { round } from "../harness/stats.mjs";
import { signViewerToken } from "../harness/tokens.mjs";

const P99_LIMIT_MS = 25;
const PAGE_SHARE = 0.1;
const GENERATORS = 2;
/** The step at which Rollcall's CPU per message is compared with the bare server's. */
const FLOOR_RATE = 40_000;

/** @typedef {Awaited<ReturnType<typeof startFleet>>} Fleet */

/** @param {{ quick: boolean }} context */
export async function run(context) {
  const tabs = context.quick ? 4_000 : 8_000;
  const steps = context.quick
    ? [10_000, 20_000, FLOOR_RATE, 50_000, 60_000]
    : [5_000, 10_000, 20_000, 30_000, FLOOR_RATE, 50_000, 60_000, 80_000, 100_000];
  const stepMs = context.quick ? 5_000 : 15_000;
  const results = await rollcallSteps(tabs, steps, stepMs);
  const floor = await bareStep("bare sockets", startBareSocket, tabs, stepMs);
  const bareWs = await bareStep("bare ws", startBareWs, tabs, stepMs);
  const kept = results.filter((r) => r.keptUp);
  const meeting = kept.filter((r) => r.propagation.p99 <= P99_LIMIT_MS);
  const best = meeting.at(-1);
  const sustained = kept.at(-1);
  const atFloorRate = results.find((r) => r.target === FLOOR_RATE);
  const rollcallUs = atFloorRate?.usPerMessage ?? null;
  const floorNote =
    rollcallUs === null
      ? ""
      : `; server CPU per message at ${FLOOR_RATE / 1_000}k msg/s: Rollcall ${rollcallUs} µs, Node's bare sockets reading and parsing the same frames ${floor.usPerMessage} µs (the floor: Rollcall at ${round(rollcallUs / (floor.usPerMessage ?? Number.NaN))}×), the \`ws\` library doing the same ${bareWs.usPerMessage} µs`;
  return {
    figures: {
      "ws.messages_per_s": {
        value: best ? best.achieved : 0,
        unit: "msg/s",
        target: 50_000,
        higherIsBetter: true,
        sustained: sustained?.achieved ?? 0,
        sustainedP99Ms: sustained?.propagation.p99 ?? null,
        usPerMessage: rollcallUs,
        floorUsPerMessage: floor.usPerMessage,
        bareWsUsPerMessage: bareWs.usPerMessage,
        note: `${tabs.toLocaleString("en-US")} tabs, ${PAGE_SHARE * 100}% page changes; highest step with propagation p99 ≤ ${P99_LIMIT_MS} ms${best ? "" : ": none"}; highest step kept up with: ${sustained?.achieved ?? 0} msg/s at p99 ${sustained?.propagation.p99 ?? "—"} ms${floorNote} (load generators share the machine's 2 cores)`,
      },
    },
    details: { tabs, steps: results, floor, bareWs },
  };
}

/**
 * Rollcall with a viewer on its live feed, one step per rate until it falls behind.
 * @param {number} tabs @param {number[]} steps @param {number} stepMs
 */
async function rollcallSteps(tabs, steps, stepMs) {
  const server = await startRollcall({ env: { ROLLCALL_HEARTBEAT_SECONDS: "30" } });
  /** @type {Fleet | null} */
  let fleet = null;
  /** @type {import("node:child_process").ChildProcess | null} */
  let viewer = null;
  try {
    fleet = await connectTabs(server.url, tabs);
    viewer = forkChild(join(ROOT, "bench/generators/sse-viewer.mjs"), {
      url: server.url,
      token: await signViewerToken(BENCH_SECRET),
    });
    const v = viewer;
    // A stream the server dropped (the viewer too slow to read it) shows as steps with no changes.
    v.on("message", (/** @type {any} */ m) => {
      if (m.type === "error") log(`throughput: viewer: ${m.message}`);
    });
    await nextMessage(v, "subscribed", 60_000);
    /** @type {Array<Record<string, any>>} */
    const results = [];
    for (const rate of steps) {
      const step = await measureStep(fleet, server.pid, rate, stepMs, async () => {
        await ask(v, { cmd: "reset" }, "reset-done", 10_000);
        return async () => (await ask(v, { cmd: "report" }, "report", 30_000)).latency;
      });
      // Kept up: the generators sent what was asked, nothing piles up in their socket buffers,
      // and the viewer saw the page changes (none seen: the server is not reading, or not sending).
      const keptUp =
        step.achieved >= 0.9 * rate &&
        step.buffered < 1_048_576 &&
        step.open === tabs &&
        step.propagation.count > 0;
      results.push({ ...step, keptUp });
      log(
        `throughput ${rate} msg/s: sent ${step.achieved}/s, server CPU ${step.serverCpuCores} (${step.usPerMessage} µs/msg), p99 ${step.propagation.p99} ms, ${keptUp ? "kept up" : "fell behind"}`,
      );
      if (!keptUp || step.propagation.p99 > 2_000) break;
    }
    return results;
  } finally {
    if (viewer) await stopChild(viewer);
    if (fleet) await fleet.stop();
    await server.stop();
  }
}

/**
 * A bare server under the same tabs at FLOOR_RATE: nothing to time, only its CPU.
 * @param {string} label
 * @param {() => Promise<import("../harness/servers.mjs").ServerHandle>} start
 * @param {number} tabs @param {number} stepMs
 */
async function bareStep(label, start, tabs, stepMs) {
  const server = await start();
  /** @type {Fleet | null} */
  let fleet = null;
  try {
    fleet = await connectTabs(server.url, tabs);
    const step = await measureStep(fleet, server.pid, FLOOR_RATE, stepMs, null);
    log(
      `throughput floor (${label}) ${FLOOR_RATE} msg/s: sent ${step.achieved}/s, server CPU ${step.serverCpuCores} (${step.usPerMessage} µs/msg)`,
    );
    return step;
  } finally {
    if (fleet) await fleet.stop();
    await server.stop();
  }
}

/** @param {string} url @param {number} tabs */
async function connectTabs(url, tabs) {
  const parts = slices(tabs, GENERATORS);
  const fleet = await startFleet("tracker-tabs.mjs", GENERATORS, (i) => ({
    url,
    secret: BENCH_SECRET,
    ...parts[i],
    connectConcurrency: 64,
    app: "bench",
  }));
  try {
    await fleet.askAll({ cmd: "connect" }, "connected", 120_000);
    return fleet;
  } catch (error) {
    await fleet.stop();
    throw error;
  }
}

/**
 * Sends at `rate` for stepMs after 2 s to settle; `timed` starts the latency measurement and
 * returns how to read it (null: no viewer).
 * @param {Fleet} fleet @param {number} serverPid @param {number} rate @param {number} stepMs
 * @param {null | (() => Promise<() => Promise<Record<string, any>>>)} timed
 */
async function measureStep(fleet, serverPid, rate, stepMs, timed) {
  const perGenerator = rate / GENERATORS;
  await fleet.askAll(
    {
      cmd: "rates",
      pagesPerSecond: perGenerator * PAGE_SHARE,
      heartbeatsPerSecond: perGenerator * (1 - PAGE_SHARE),
    },
    "rates-set",
    10_000,
  );
  await sleep(2_000);
  const latency = timed ? await timed() : null;
  const before = await fleet.askAll({ cmd: "stats" }, "stats", 10_000);
  const cpuBefore = cpuSeconds(serverPid);
  const t0 = performance.now();
  await sleep(stepMs);
  const propagation = latency ? await latency() : null;
  const after = await fleet.askAll({ cmd: "stats" }, "stats", 10_000);
  const seconds = (performance.now() - t0) / 1_000;
  const cpu = cpuSeconds(serverPid) - cpuBefore;
  /** @param {Array<Record<string, any>>} stats */
  const sentOf = (stats) => stats.reduce((s, x) => s + x.sent.page + x.sent.hb, 0);
  const sent = sentOf(after) - sentOf(before);
  return {
    target: rate,
    achieved: round(sent / seconds, 0),
    serverCpuCores: round(cpu / seconds),
    usPerMessage: sent > 0 ? round((cpu / sent) * 1e6) : null,
    buffered: after.reduce((s, x) => s + x.buffered, 0),
    open: after.reduce((s, x) => s + x.open, 0),
    propagation,
  };
}
