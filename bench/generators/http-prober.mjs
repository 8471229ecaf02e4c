// Times GET requests one at a time (a viewer's page loads), after a warm-up; or asks a list of
// questions, one at a time, possibly of several servers, and returns each answer with its time.
import { Agent, request } from "node:http";
import { onCommands, readConfig, reply } from "../harness/child-runtime.mjs";
import { summarize } from "../harness/stats.mjs";

const config = readConfig();
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/** @param {string} path */
function get(path) {
  return new Promise((resolve, reject) => {
    const req = request(`${config.url}${path}`, {
      agent,
      headers: { authorization: `Bearer ${config.token}` },
    });
    req.setTimeout(60_000, () => req.destroy(new Error("timeout")));
    req.on("response", (res) => {
      let bytes = 0;
      res.on("data", (/** @type {Buffer} */ chunk) => {
        bytes += chunk.length;
      });
      res.on("end", () =>
        res.statusCode === 200
          ? resolve(bytes)
          : reject(new Error(`${path} answered ${res.statusCode}`)),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

onCommands({
  /** Runs `count` timed requests of `path` (after `warmup`), within `maxMs`. */
  async probe(command) {
    for (let i = 0; i < command.warmup; i++) await get(command.path);
    /** @type {number[]} */
    const latencies = [];
    let bytes = 0;
    const deadline = performance.now() + command.maxMs;
    while (latencies.length < command.count && performance.now() < deadline) {
      const t0 = performance.now();
      bytes = Number(await get(command.path));
      latencies.push(performance.now() - t0);
    }
    reply({ type: "probed", path: command.path, bytes, latency: summarize(latencies) });
  },
  /**
   * Asks each of `requests` ({ url, path }) in turn, each within `timeoutMs`; answers
   * { ms, status, body } in order (a failed request: status 0 and the error as body).
   */
  async ask(command) {
    /** @type {Array<{ ms: number, status: number, body: string }>} */
    const answers = [];
    for (const { url, path } of command.requests) {
      const t0 = performance.now();
      try {
        const answer = await fetchText(`${url}${path}`, command.timeoutMs);
        answers.push({ ms: performance.now() - t0, ...answer });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        answers.push({ ms: performance.now() - t0, status: 0, body: message });
      }
    }
    reply({ type: "asked", answers });
  },
});

/**
 * GET `target` with the viewer token on the keep-alive agent: its status and whole body.
 * @param {string} target
 * @param {number} timeoutMs
 * @returns {Promise<{ status: number, body: string }>}
 */
function fetchText(target, timeoutMs) {
  return new Promise((resolve, reject) => {
    const req = request(target, {
      agent,
      headers: { authorization: `Bearer ${config.token}` },
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("response", (res) => {
      /** @type {Buffer[]} */
      const chunks = [];
      res.on("data", (/** @type {Buffer} */ chunk) => chunks.push(chunk));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}
reply({ type: "ready" });
