// Times GET requests one at a time (a viewer's page loads), after a warm-up.
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
});
reply({ type: "ready" });
