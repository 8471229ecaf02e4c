// Load generator: tabs on the tracker's HTTP transport (POST /api/v1/track), kept live by beats.
import { Agent, request } from "node:http";
import { onCommands, readConfig, reply } from "../harness/child-runtime.mjs";
import { HTTP_TABS_PER_ADDRESS, tabAddress } from "../harness/fleet.mjs";
import { signUserToken } from "../harness/tokens.mjs";

const PROTOCOL_VERSION = 1;
const config = readConfig();
// Node pools sockets per source address: two kept-alive sockets per address.
const agent = new Agent({ keepAlive: true, maxSockets: 2 });
/** @type {string[]} */
let tokens = [];
let beating = false;
/** @type {Record<string, number>} */
const failures = {};

/** @param {number} index */
function hello(index) {
  return {
    t: "hello",
    v: PROTOCOL_VERSION,
    token: tokens[index - config.first],
    tab: `bench-http-${index.toString(36).padStart(6, "0")}`,
    page: { path: `/course/${index % 50}`, title: `Lesson ${index % 50}`, app: config.app },
    visible: true,
    inputAgoMs: 0,
  };
}

/** @param {number} index */
function post(index) {
  const payload = JSON.stringify({ hello: hello(index), messages: [{ t: "hb" }] });
  return new Promise((resolve, reject) => {
    const req = request(`${config.url}/api/v1/track`, {
      method: "POST",
      agent,
      localAddress: tabAddress(index, 2, HTTP_TABS_PER_ADDRESS),
      headers: { "content-type": "application/json" },
    });
    req.setTimeout(30_000, () => req.destroy(new Error("timeout")));
    req.on("response", (res) => {
      res.resume();
      res.on("end", () =>
        res.statusCode === 200 ? resolve(undefined) : reject(new Error(`${res.statusCode}`)),
      );
    });
    req.on("error", reject);
    req.end(payload);
  });
}

/** Posts every tab once, `concurrency` at a time; returns how many failed. */
async function pass() {
  let next = config.first;
  let failed = 0;
  const end = config.first + config.count;
  const worker = async () => {
    while (next < end) {
      const index = next++;
      await post(index).catch((/** @type {unknown} */ error) => {
        failed++;
        const reason = error instanceof Error ? error.message : String(error);
        failures[reason] = (failures[reason] ?? 0) + 1;
      });
    }
  };
  await Promise.all(Array.from({ length: config.concurrency }, worker));
  return failed;
}

onCommands({
  async open() {
    tokens = await Promise.all(
      Array.from({ length: config.count }, (_, i) =>
        signUserToken(config.secret, `u${config.first + i}`),
      ),
    );
    const started = performance.now();
    const failed = await pass();
    reply({ type: "opened", failed, failures, ms: Math.round(performance.now() - started) });
    // Keep them live: one more beat per tab every `beatEveryMs`, as the tracker would.
    beating = true;
    const beat = async () => {
      if (!beating) return;
      await pass();
      setTimeout(beat, config.beatEveryMs).unref();
    };
    setTimeout(beat, config.beatEveryMs).unref();
  },
  stop() {
    beating = false;
    reply({ type: "stopped" });
  },
});
reply({ type: "ready" });
