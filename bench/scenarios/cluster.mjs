// cluster.connections and cluster.propagation_p99_ms: three Rollcall nodes on one PostgreSQL
// database and one Redis key prefix, tracker tabs spread over them, page changes on nodes B and C
// timed by an SSE viewer on node A.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { Redis } from "ioredis";
import { ask, forkChild, nextMessage, stopChild } from "../harness/children.mjs";
import { SOCKETS_PER_GENERATOR, slices, startFleet } from "../harness/fleet.mjs";
import { log, sleep } from "../harness/log.mjs";
import { admin, databaseUrl, dropDatabase } from "../harness/postgres-database.mjs";
import { cpuSeconds, rssKb } from "../harness/proc-stats.mjs";
import { BENCH_SECRET, ROOT, startRollcall } from "../harness/servers.mjs";
import { round } from "../harness/stats.mjs";
import { signViewerToken } from "../harness/tokens.mjs";

const REDIS_URL = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";

const NODES = 3;
const TARGET_TABS = 50_000;
const HEARTBEAT_SECONDS = 30;
const PAGE_EVERY_SECONDS = 30;
/** Hellos in flight per generator process (they cost a Redis write and storage facts each). */
const CONNECT_CONCURRENCY = 32;

/**
 * @typedef {{ name: string, server: import("../harness/servers.mjs").ServerHandle,
 *   first: number, count: number,
 *   fleet: Awaited<ReturnType<typeof startFleet>> | null, parts: Array<{ first: number, count: number }> }} ClusterNode
 */

/**
 * Deletes every key under `prefix`; returns how many there were.
 * @param {string} prefix
 */
async function deleteRedisKeys(prefix) {
  const redis = new Redis(REDIS_URL, { connectTimeout: 5_000, maxRetriesPerRequest: 2 });
  redis.on("error", () => undefined);
  let deleted = 0;
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1_000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
  return deleted;
}

/** Redis' own CPU seconds (user + system) so far, from INFO: it is not our process. */
async function redisCpuSeconds() {
  const redis = new Redis(REDIS_URL, { connectTimeout: 5_000, maxRetriesPerRequest: 2 });
  redis.on("error", () => undefined);
  try {
    const info = await redis.info("cpu");
    const user = Number(/used_cpu_user:([\d.]+)/.exec(info)?.[1] ?? Number.NaN);
    const system = Number(/used_cpu_sys:([\d.]+)/.exec(info)?.[1] ?? Number.NaN);
    return user + system;
  } finally {
    redis.disconnect();
  }
}

/**
 * Every node's presence summary (owner viewer token).
 * @param {ClusterNode[]} nodes
 * @param {string} token
 */
function summaries(nodes, token) {
  return Promise.all(
    nodes.map(async (node) => {
      const response = await fetch(`${node.server.url}/api/v1/presence?limit=1`, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(30_000),
      });
      if (!response.ok) throw new Error(`${node.name}: GET /api/v1/presence → ${response.status}`);
      const body = await response.json();
      return /** @type {{ totalUsers: number, online: number, idle: number, offline: number }} */ (
        body.summary
      );
    }),
  );
}

/**
 * Counts online (online + idle, as the Online now card) on every node until all agree, ≤ `waitMs`.
 * @param {ClusterNode[]} nodes
 * @param {string} token
 * @param {number} expected
 * @param {number} waitMs
 */
async function agreedOnline(nodes, token, expected, waitMs) {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const all = await summaries(nodes, token);
    const online = all.map((s) => s.online + s.idle);
    const agree = online.every((n) => n === online[0]);
    if ((agree && online[0] === expected) || Date.now() > deadline) {
      return { online, agree, summaries: all };
    }
    await sleep(1_000);
  }
}

/**
 * How the generators' closed tabs were closed: "code reason" → count.
 * @param {Array<{ closeCodes?: Record<string, number> }>} stats
 */
function closeCodesOf(stats) {
  /** @type {Record<string, number>} */
  const codes = {};
  for (const { closeCodes = {} } of stats) {
    for (const [code, n] of Object.entries(closeCodes)) codes[code] = (codes[code] ?? 0) + n;
  }
  return codes;
}

/** @param {{ quick: boolean }} context */
export async function run(context) {
  const plan = context.quick
    ? { tabs: 6_000, settleMs: 3_000, windowMs: 15_000 }
    : { tabs: TARGET_TABS, settleMs: 15_000, windowMs: 60_000 };
  const id = randomBytes(4).toString("hex");
  const database = `rollcall_bench_${id}`;
  const redisPrefix = `rollcall-bench-${id}`;
  /** @type {ClusterNode[]} */
  const nodes = [];
  /** @type {import("node:child_process").ChildProcess | null} */
  let viewer = null;
  let isDatabaseCreated = false;
  try {
    await admin(`CREATE DATABASE ${database}`);
    isDatabaseCreated = true;
    const env = {
      ROLLCALL_DATABASE_URL: databaseUrl(database),
      ROLLCALL_REDIS_URL: REDIS_URL,
      ROLLCALL_REDIS_PREFIX: redisPrefix,
      ROLLCALL_HEARTBEAT_SECONDS: String(HEARTBEAT_SECONDS),
    };
    // One after another: the first runs the migrations on the new database.
    const share = slices(plan.tabs, NODES);
    for (let i = 0; i < NODES; i++) {
      const server = await startRollcall({ env });
      const slice = /** @type {{ first: number, count: number }} */ (share[i]);
      const processes = Math.max(1, Math.ceil(slice.count / SOCKETS_PER_GENERATOR));
      const parts = slices(slice.count, processes).map((p) => ({
        first: slice.first + p.first,
        count: p.count,
      }));
      nodes.push({ name: "ABC"[i] ?? String(i), server, ...slice, fleet: null, parts });
    }
    log(
      `cluster: ${NODES} nodes on database ${database}, Redis prefix ${redisPrefix}: ${nodes.map((n) => `${n.name} ${n.server.url} (${n.count} tabs)`).join(", ")}`,
    );
    await sleep(1_500);
    const rssBefore = nodes.map((n) => rssKb(n.server.pid));

    // Tabs u<first>…u<first+count-1> on each node; global indexes keep users and source
    // addresses (≤ 1,900 per 127.0.0.x, tabAddress) distinct across nodes.
    for (const node of nodes) {
      node.fleet = await startFleet("tracker-tabs.mjs", node.parts.length, (i) => ({
        url: node.server.url,
        secret: BENCH_SECRET,
        ...node.parts[i],
        connectConcurrency: CONNECT_CONCURRENCY,
        app: "bench",
      }));
    }
    const fleets = nodes.map((n) => /** @type {NonNullable<ClusterNode["fleet"]>} */ (n.fleet));
    const t0Connect = performance.now();
    const connecting = Promise.all(
      fleets.map((f) => f.askAll({ cmd: "connect" }, "connected", 300_000)),
    );
    connecting.catch(() => undefined); // awaited below; not unhandled if the next step throws
    // Heartbeats from the start (a generator only starts its own once all its tabs are open):
    // 50,000 hellos take longer than the 2 × heartbeat after which a silent socket is closed.
    await Promise.all(
      nodes.map((node) =>
        /** @type {NonNullable<ClusterNode["fleet"]>} */ (node.fleet).askEach(
          (i) => ({
            cmd: "rates",
            pagesPerSecond: 0,
            heartbeatsPerSecond: (node.parts[i]?.count ?? 0) / HEARTBEAT_SECONDS,
          }),
          "rates-set",
          10_000,
        ),
      ),
    );
    const connected = await connecting;
    const connectMs = Math.round(performance.now() - t0Connect);
    const perNode = nodes.map((node, i) => {
      const answers = connected[i] ?? [];
      const failures = answers.map((c) => c.failures).filter((f) => f && Object.keys(f).length);
      return {
        node: node.name,
        tabs: node.count,
        open: answers.reduce((s, c) => s + c.open, 0),
        failed: answers.reduce((s, c) => s + c.failed, 0),
        ...(failures.length ? { failures } : {}),
        generators: answers.length,
      };
    });
    const welcomed = perNode.reduce((s, n) => s + n.open, 0);
    log(
      `cluster: ${welcomed} of ${plan.tabs} tabs welcomed in ${connectMs} ms (${perNode.map((n) => `${n.node} ${n.open}${n.failed ? `, ${n.failed} failed ${JSON.stringify(n.failures)}` : ""}`).join("; ")}); idling`,
    );
    await sleep(plan.settleMs);
    const rssIdle = nodes.map((n) => rssKb(n.server.pid));

    const token = await signViewerToken(BENCH_SECRET);
    const before = await agreedOnline(nodes, token, welcomed, 15_000);
    const settled = (
      await Promise.all(fleets.map((f) => f.askAll({ cmd: "stats" }, "stats", 10_000)))
    ).flat();
    log(
      `cluster: online on A, B, C after connecting: ${before.online.join(", ")}; open on the generators' side ${settled.reduce((s, a) => s + a.open, 0)}, closed by code ${JSON.stringify(closeCodesOf(settled))}`,
    );

    // The viewer on A; only the tabs on B and C change pages, so every sample crossed nodes.
    const nodeA = /** @type {ClusterNode} */ (nodes[0]);
    viewer = forkChild(join(ROOT, "bench/generators/sse-viewer.mjs"), {
      url: nodeA.server.url,
      token,
    });
    // Say why a stream never opened (an HTTP status, a dropped stream), not only that it did not.
    viewer.on("message", (/** @type {any} */ m) => {
      if (m.type === "error") log(`cluster: viewer: ${m.message}`);
    });
    const subscribed = /** @type {{ users: number, bytes: number }} */ (
      await nextMessage(viewer, "subscribed", 120_000)
    );
    log(
      `cluster: viewer on A subscribed: ${subscribed.users} users, a ${round(subscribed.bytes / 1_048_576, 1)} MB snapshot`,
    );
    await Promise.all(
      nodes.map((node, n) =>
        /** @type {NonNullable<ClusterNode["fleet"]>} */ (node.fleet).askEach(
          (i) => ({
            cmd: "rates",
            pagesPerSecond: n === 0 ? 0 : (node.parts[i]?.count ?? 0) / PAGE_EVERY_SECONDS,
          }),
          "rates-set",
          10_000,
        ),
      ),
    );
    await sleep(3_000);
    await ask(viewer, { cmd: "reset" }, "reset-done", 10_000);
    const statsBefore = (
      await Promise.all(fleets.map((f) => f.askAll({ cmd: "stats" }, "stats", 10_000)))
    ).flat();
    const cpuBefore = nodes.map((n) => cpuSeconds(n.server.pid));
    const redisCpuBefore = await redisCpuSeconds();
    const t0 = performance.now();
    await sleep(plan.windowMs);
    const report = await ask(viewer, { cmd: "report" }, "report", 30_000);
    const seconds = (performance.now() - t0) / 1_000;
    const cpu = nodes.map((n, i) =>
      round((cpuSeconds(n.server.pid) - (cpuBefore[i] ?? 0)) / seconds),
    );
    const redisCpu = round(((await redisCpuSeconds()) - redisCpuBefore) / seconds);
    const statsAfter = (
      await Promise.all(fleets.map((f) => f.askAll({ cmd: "stats" }, "stats", 10_000)))
    ).flat();
    const rssAfter = nodes.map((n) => rssKb(n.server.pid));
    const pagesSent =
      statsAfter.reduce((s, a) => s + a.sent.page, 0) -
      statsBefore.reduce((s, b) => s + b.sent.page, 0);
    await Promise.all(
      fleets.map((f) => f.askAll({ cmd: "rates", pagesPerSecond: 0 }, "rates-set", 10_000)),
    );

    // Still open on the generators' side, and counted online by every node.
    const stillOpen = statsAfter.reduce((s, a) => s + a.open, 0);
    const closeCodes = closeCodesOf(statsAfter);
    const end = await agreedOnline(nodes, token, stillOpen, 15_000);
    const connections = Math.min(stillOpen, ...end.online);
    const propagation = report.latency;
    const result = {
      plan,
      database,
      redisPrefix,
      nodes: nodes.map((node, i) => ({
        url: node.server.url,
        ...perNode[i],
        rssBeforeKb: rssBefore[i],
        rssIdleKb: rssIdle[i],
        rssAfterChangesKb: rssAfter[i],
        cpuCores: cpu[i],
        onlineAtEnd: end.online[i],
        summaryAtEnd: end.summaries[i],
      })),
      welcomed,
      stillOpen,
      closeCodes,
      connectMs,
      onlineAfterConnect: before.online,
      nodesAgree: end.agree,
      redisCpuCores: redisCpu,
      pageChangesPerSecond: round(pagesSent / seconds),
      propagation,
      viewerEvents: report.events,
    };
    log(
      `cluster: ${connections} tabs held (welcomed ${welcomed}, still open ${stillOpen}${stillOpen < welcomed ? `, closed by code ${JSON.stringify(closeCodes)}` : ""}, online on A/B/C ${end.online.join("/")}${end.agree ? "" : ", nodes DISAGREE"}); B,C → A propagation p50 ${propagation.p50} ms p95 ${propagation.p95} ms p99 ${propagation.p99} ms (${propagation.count} of ${pagesSent} changes); CPU A/B/C ${cpu.join("/")}, Redis ${redisCpu}; RSS A/B/C ${rssAfter.map((kb) => `${Math.round(kb / 1024)} MB`).join("/")}`,
    );
    const scale = `${plan.tabs.toLocaleString("en-US")} tabs over 3 nodes${context.quick ? " (quick; full run: 50,000)" : ""}`;
    return {
      figures: {
        "cluster.connections": {
          value: connections,
          unit: "tabs",
          target: TARGET_TABS,
          higherIsBetter: true,
          note: `${scale}, tracker WebSockets; welcomed, still open and counted online (online + idle) by every node's GET /api/v1/presence${end.agree ? " (all 3 agree)" : `; nodes disagree: ${end.online.join("/")}`}`,
        },
        "cluster.propagation_p99_ms": {
          value: propagation.p99,
          unit: "ms",
          target: 50,
          note: `page change on node B or C → SSE viewer on node A, ${scale}, tabs on B and C each changing page every ~${PAGE_EVERY_SECONDS} s (${result.pageChangesPerSecond}/s), ${propagation.count} changes`,
        },
      },
      details: result,
    };
  } finally {
    const t0 = performance.now();
    if (viewer) await stopChild(viewer).catch(() => undefined);
    await Promise.all(nodes.map((n) => n.fleet?.stop()).filter(Boolean)).catch(() => undefined);
    await Promise.all(nodes.map((n) => n.server.stop().catch(() => undefined)));
    /** @type {string[]} */
    const cleanup = [];
    if (isDatabaseCreated) {
      await dropDatabase(database).then(
        () => cleanup.push(`database ${database} dropped`),
        (error) => cleanup.push(`could not drop database ${database}: ${error.message}`),
      );
    }
    await deleteRedisKeys(redisPrefix).then(
      (count) => cleanup.push(`${count} Redis keys under ${redisPrefix}: deleted`),
      (error) => cleanup.push(`could not delete Redis keys under ${redisPrefix}: ${error.message}`),
    );
    log(
      `cluster: stopped and cleaned in ${Math.round(performance.now() - t0)} ms: ${cleanup.join("; ")}`,
    );
  }
}
