// Load generator: the host platform's backend posting events to POST /api/v1/events.
import { Agent, request } from "node:http";
import { onCommands, readConfig, reply } from "../harness/child-runtime.mjs";
import { summarize } from "../harness/stats.mjs";

/**
 * @typedef {{ url: string, secret: string, prefix: string, batch: number, concurrency: number,
 *   users: number, apps: number, localAddress: string }} PosterConfig
 */
const config = /** @type {PosterConfig} */ (readConfig());
const agent = new Agent({ keepAlive: true, maxSockets: config.concurrency });
let seq = 0;

function body() {
  const events = [];
  for (let i = 0; i < config.batch; i++) {
    const n = seq++;
    events.push({
      id: `${config.prefix}-${n}`,
      user: `u${n % config.users}`,
      name: n % 4 === 3 ? "view" : "message",
      app: `app-${n % config.apps}`,
      props: { n },
    });
  }
  return JSON.stringify({ events });
}

/** @param {string} payload */
function post(payload) {
  return new Promise((resolve, reject) => {
    const req = request(`${config.url}/api/v1/events`, {
      method: "POST",
      agent,
      localAddress: config.localAddress,
      headers: {
        authorization: `Bearer ${config.secret}`,
        "content-type": "application/json",
        "content-length": Buffer.byteLength(payload),
      },
    });
    req.setTimeout(30_000, () => req.destroy(new Error("timeout")));
    req.on("response", (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode));
    });
    req.on("error", reject);
    req.end(payload);
  });
}

/** @param {number} durationMs */
async function run(durationMs) {
  /** @type {number[]} */
  const latencies = [];
  /** @type {Record<string, number>} */
  const statuses = {};
  let accepted = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  const worker = async () => {
    while (performance.now() < deadline) {
      const payload = body();
      const t0 = performance.now();
      let status = "error";
      try {
        status = String(await post(payload));
      } catch {
        // counted as an error status below
      }
      latencies.push(performance.now() - t0);
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status === "200") accepted += config.batch;
    }
  };
  await Promise.all(Array.from({ length: config.concurrency }, worker));
  const seconds = (performance.now() - started) / 1_000;
  return { accepted, seconds, statuses, latency: summarize(latencies) };
}

onCommands({
  async run(command) {
    reply({ type: "result", ...(await run(command.durationMs)) });
  },
});
reply({ type: "ready" });
