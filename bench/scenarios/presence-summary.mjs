// presence.summary_p99_ms: GET /api/v1/presence?limit=50 with 100,000 known users, 20,000 online.
import { join } from "node:path";
import { ask, forkChild, nextMessage, stopChild } from "../harness/children.mjs";
import { slices, startFleet } from "../harness/fleet.mjs";
import { log } from "../harness/log.mjs";
import { BENCH_SECRET, ROOT, startRollcall } from "../harness/servers.mjs";
import { round, summarize } from "../harness/stats.mjs";
import { signViewerToken } from "../harness/tokens.mjs";

const KNOWN_USERS = 100_000;
const ONLINE_USERS = 20_000;
const HTTP_TAB_PROCESSES = 2;

/**
 * Registers users as the platform's backend would (POST /api/v1/users, 1,000 per request).
 * @param {string} url
 * @param {number} total
 */
async function registerUsers(url, total) {
  const requests = [];
  for (let first = 0; first < total; first += 1_000) {
    const users = Array.from({ length: Math.min(1_000, total - first) }, (_, i) => ({
      id: `u${first + i}`,
      name: `Learner ${first + i}`,
      email: `learner${first + i}@bench.example`,
      role: (first + i) % 50 === 0 ? "Instructor" : "Learner",
    }));
    requests.push({ users });
  }
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const body = JSON.stringify(requests[next++]);
      const response = await fetch(`${url}/api/v1/users`, {
        method: "POST",
        headers: { authorization: `Bearer ${BENCH_SECRET}`, "content-type": "application/json" },
        body,
      });
      if (!response.ok) throw new Error(`POST /api/v1/users answered ${response.status}`);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
}

/**
 * Dashboards connecting one after another (each gets every user's row), timed from request to the
 * snapshot's last byte, while the prober times GET /presence beside them: what one connect costs
 * every other request.
 * @param {string} url
 * @param {string} token
 * @param {import("node:child_process").ChildProcess} prober
 * @param {number} count
 */
async function timeSnapshots(url, token, prober, count) {
  const maxMs = count * 1_500;
  const probing = ask(
    prober,
    { cmd: "probe", path: "/api/v1/presence?limit=50", warmup: 0, count: 1_000_000, maxMs },
    "probed",
    maxMs + 60_000,
  );
  /** @type {number[]} */
  const times = [];
  let bytes = 0;
  let wireBytes = 0;
  const deadline = performance.now() + maxMs - 2_000;
  while (times.length < count && performance.now() < deadline) {
    // As a browser connects: asking for gzip.
    const viewer = forkChild(join(ROOT, "bench/generators/sse-viewer.mjs"), {
      url,
      token,
      gzip: true,
    });
    try {
      const subscribed = /** @type {{ ms: number, bytes: number, wireBytes: number }} */ (
        await nextMessage(viewer, "subscribed", 60_000)
      );
      times.push(subscribed.ms);
      bytes = subscribed.bytes;
      wireBytes = subscribed.wireBytes;
    } finally {
      await stopChild(viewer);
    }
  }
  const probe = /** @type {{ latency: ReturnType<typeof summarize> }} */ (await probing);
  const snapshotMs = summarize(times);
  log(
    `presence: ${snapshotMs.count} dashboards connected, snapshot ${round(bytes / 1_048_576, 1)} MB (${round(wireBytes / 1_048_576, 2)} MB gzip-compressed) in p50 ${snapshotMs.p50} ms (max ${snapshotMs.max}); GET /presence meanwhile p99 ${probe.latency.p99} ms, max ${probe.latency.max}`,
  );
  return { snapshotMs, bytes, wireBytes, probe: probe.latency };
}

/** @param {{ quick: boolean }} context */
export async function run(context) {
  // HTTP-transport tabs stay live for max(45 s, 3 × heartbeat); beats every 30 s keep them so.
  const server = await startRollcall({ env: { ROLLCALL_HEARTBEAT_SECONDS: "30" } });
  /** @type {Awaited<ReturnType<typeof startFleet>> | null} */
  let tabs = null;
  /** @type {import("node:child_process").ChildProcess | null} */
  let prober = null;
  try {
    await registerUsers(server.url, KNOWN_USERS);
    const parts = slices(ONLINE_USERS, HTTP_TAB_PROCESSES);
    tabs = await startFleet("http-tabs.mjs", HTTP_TAB_PROCESSES, (i) => ({
      url: server.url,
      secret: BENCH_SECRET,
      ...parts[i],
      concurrency: 32,
      app: "bench",
      beatEveryMs: 30_000,
    }));
    const opened = await tabs.askAll({ cmd: "open" }, "opened", 120_000);
    const token = await signViewerToken(BENCH_SECRET);
    const check = await fetch(`${server.url}/api/v1/presence?limit=1`, {
      headers: { authorization: `Bearer ${token}` },
    }).then((r) => r.json());
    log(
      `presence: ${check.summary.totalUsers} users, ${check.summary.online + check.summary.idle} online (${opened.map((o) => o.failed).join("+")} failed, ${Math.max(...opened.map((o) => o.ms))} ms)`,
    );
    prober = forkChild(join(ROOT, "bench/generators/http-prober.mjs"), { url: server.url, token });
    await nextMessage(prober, "ready", 10_000);
    const probe = await ask(
      prober,
      {
        cmd: "probe",
        path: "/api/v1/presence?limit=50",
        warmup: 10,
        count: context.quick ? 150 : 1_000,
        maxMs: context.quick ? 20_000 : 60_000,
      },
      "probed",
      120_000,
    );
    log(
      `presence: GET /api/v1/presence?limit=50 p50 ${probe.latency.p50} ms p99 ${probe.latency.p99} ms (${probe.latency.count} requests)`,
    );
    const snapshots = await timeSnapshots(server.url, token, prober, context.quick ? 5 : 10);
    return {
      figures: {
        "presence.snapshot_ms": {
          value: snapshots.snapshotMs.p50,
          unit: "ms",
          note: `a dashboard's SSE snapshot (every user's row, ${round(snapshots.bytes / 1_048_576, 1)} MB, ${round(snapshots.wireBytes / 1_048_576, 2)} MB as sent with gzip), request to last byte, median of ${snapshots.snapshotMs.count} (max ${snapshots.snapshotMs.max}); meanwhile GET /api/v1/presence?limit=50 took p99 ${snapshots.probe.p99} ms, max ${snapshots.probe.max} (the event loop's stall while a snapshot is built)`,
        },
        "presence.summary_p99_ms": {
          value: probe.latency.p99,
          unit: "ms",
          target: 10,
          note: `GET /api/v1/presence?limit=50, ${check.summary.totalUsers} known users, ${check.summary.online + check.summary.idle} online (HTTP transport tabs), ${probe.latency.count} sequential requests`,
        },
      },
      details: { summary: check.summary, probe, snapshots },
    };
  } finally {
    if (prober) await stopChild(prober);
    if (tabs) await tabs.stop();
    await server.stop();
  }
}
