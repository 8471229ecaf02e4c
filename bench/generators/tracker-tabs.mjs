// Load generator: browser tabs running Rollcall's tracker, speaking its real WebSocket protocol.
import WebSocket from "ws";
import { nowMicros, onCommands, readConfig, reply } from "../harness/child-runtime.mjs";
import { tabAddress } from "../harness/fleet.mjs";
import { signUserToken } from "../harness/tokens.mjs";
import { createRateTicker } from "./rate-ticker.mjs";

const PROTOCOL_VERSION = 1;
const CONNECT_TIMEOUT_MS = 15_000;

/**
 * @typedef {{ url: string, secret: string, first: number, count: number, addressBase?: number,
 *   connectConcurrency: number, app: string }} TabsConfig
 */
const config = /** @type {TabsConfig} */ (readConfig());
const wsUrl = `${config.url.replace(/^http/, "ws")}/api/v1/track/ws`;

/** @type {WebSocket[]} */
const open = [];
/** @type {Record<string, number>} */
const closeCodes = {};
const sent = { page: 0, hb: 0 };
let failed = 0;
/** @type {Record<string, number>} */
const failures = {};
let heartbeatMs = 15_000;
let cursor = 0;

/**
 * Opens one tab: WebSocket, hello, wait for welcome.
 * @param {number} index
 */
async function openTab(index) {
  const user = `u${index}`;
  const token = await signUserToken(config.secret, user);
  const ws = new WebSocket(wsUrl, {
    localAddress: tabAddress(index, config.addressBase ?? 2),
    perMessageDeflate: false,
  });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error("connect timeout"));
    }, CONNECT_TIMEOUT_MS);
    ws.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    ws.once("open", () => {
      ws.send(
        JSON.stringify({
          t: "hello",
          v: PROTOCOL_VERSION,
          token,
          tab: `bench-tab-${index.toString(36).padStart(6, "0")}`,
          page: { path: "/p/0", title: "Bench start", app: config.app },
          visible: true,
          inputAgoMs: 0,
        }),
      );
    });
    ws.once("message", (data) => {
      clearTimeout(timer);
      const message = JSON.parse(data.toString());
      if (message.t !== "welcome") {
        ws.terminate();
        reject(new Error(`expected welcome, got ${message.t}: ${message.message ?? ""}`));
        return;
      }
      heartbeatMs = message.heartbeatMs;
      resolve(undefined);
    });
  });
  ws.on("error", () => undefined);
  ws.once("close", (code, reason) => {
    // With the server's reason: two causes can share a code.
    const why = `${code} ${reason.toString()}`.trim();
    closeCodes[why] = (closeCodes[why] ?? 0) + 1;
  });
  open.push(ws);
}

async function connectAll() {
  const started = performance.now();
  let next = config.first;
  const end = config.first + config.count;
  const worker = async () => {
    while (next < end) {
      const index = next++;
      try {
        await openTab(index);
      } catch (error) {
        failed++;
        const reason = error instanceof Error ? error.message : String(error);
        failures[reason] = (failures[reason] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: config.connectConcurrency }, worker));
  return performance.now() - started;
}

/** The next open tab, round-robin; null if none is open. */
function nextTab() {
  for (let tries = 0; tries < open.length; tries++) {
    // Wrapped by hand, not `cursor++ % open.length`: while tabs are still being opened the
    // modulus changes under the cursor, which then lingered on some tabs and starved others
    // of heartbeats for over a minute.
    if (cursor >= open.length) cursor = 0;
    const ws = open[cursor++];
    if (ws && ws.readyState === WebSocket.OPEN) return ws;
  }
  return null;
}

const ticker = createRateTicker((kind) => {
  const ws = nextTab();
  if (!ws) return;
  if (kind === "page") {
    // The page's path carries when it changed; the viewer computes the latency on receipt.
    const at = nowMicros();
    ws.send(
      JSON.stringify({ t: "page", page: { path: `/p/${at}`, title: "Bench", app: config.app } }),
    );
    sent.page++;
  } else {
    ws.send('{"t":"hb"}');
    sent.hb++;
  }
});

onCommands({
  async connect() {
    const ms = await connectAll();
    // Like the tracker: every tab beats once per heartbeat interval.
    ticker.setRates({ hb: open.length / (heartbeatMs / 1_000) });
    reply({
      type: "connected",
      open: open.length,
      failed,
      failures,
      ms: Math.round(ms),
      heartbeatMs,
    });
  },
  rates(command) {
    ticker.setRates({
      page: command.pagesPerSecond ?? 0,
      hb: command.heartbeatsPerSecond ?? open.length / (heartbeatMs / 1_000),
    });
    reply({ type: "rates-set" });
  },
  stats() {
    const live = open.filter((ws) => ws.readyState === WebSocket.OPEN).length;
    const buffered = open.reduce((sum, ws) => sum + ws.bufferedAmount, 0);
    reply({ type: "stats", open: live, failed, closeCodes, sent: { ...sent }, buffered });
  },
  async close() {
    ticker.stop();
    for (const ws of open) ws.terminate();
    reply({ type: "closed" });
  },
});
reply({ type: "ready" });
