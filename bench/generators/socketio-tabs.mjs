// Load generator for the baseline: the same tabs as Socket.IO clients of the who's-online server.
import { io } from "socket.io-client";
import { nowMicros, onCommands, readConfig, reply } from "../harness/child-runtime.mjs";
import { tabAddress } from "../harness/fleet.mjs";
import { signUserToken } from "../harness/tokens.mjs";
import { createRateTicker } from "./rate-ticker.mjs";

const CONNECT_TIMEOUT_MS = 15_000;

const config = readConfig();

/** @type {import("socket.io-client").Socket[]} */
const open = [];
/** @type {Record<string, number>} */
const disconnectReasons = {};
const sent = { page: 0, hb: 0 };
let failed = 0;
let cursor = 0;

/** @param {number} index */
async function openTab(index) {
  const user = `u${index}`;
  const token = await signUserToken(config.secret, user);
  const socket = io(config.url, {
    transports: ["websocket"],
    reconnection: false,
    forceNew: true,
    timeout: CONNECT_TIMEOUT_MS,
    localAddress: tabAddress(index, config.addressBase ?? 2),
    perMessageDeflate: false,
    auth: { token, page: { path: "/p/0", title: "Bench start", app: config.app } },
  });
  await new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(undefined));
    socket.once("connect_error", (error) => {
      socket.close();
      reject(error);
    });
  });
  socket.on("disconnect", (reason) => {
    disconnectReasons[reason] = (disconnectReasons[reason] ?? 0) + 1;
  });
  open.push(socket);
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
      } catch {
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: config.connectConcurrency }, worker));
  return performance.now() - started;
}

function nextTab() {
  for (let tries = 0; tries < open.length; tries++) {
    // Wrapped by hand, not `cursor++ % open.length`: while tabs are still being opened the
    // modulus changes under the cursor, which then lingered on some tabs and starved others
    // of heartbeats for over a minute.
    if (cursor >= open.length) cursor = 0;
    const socket = open[cursor++];
    if (socket?.connected) return socket;
  }
  return null;
}

// Socket.IO keeps connections alive with its own ping/pong; tabs only report page changes.
const ticker = createRateTicker((kind) => {
  const socket = nextTab();
  if (!socket || kind !== "page") return;
  socket.emit("page", { path: `/p/${nowMicros()}`, title: "Bench", app: config.app });
  sent.page++;
});

onCommands({
  async connect() {
    const ms = await connectAll();
    reply({ type: "connected", open: open.length, failed, ms: Math.round(ms), heartbeatMs: 0 });
  },
  rates(command) {
    ticker.setRates({ page: command.pagesPerSecond ?? 0 });
    reply({ type: "rates-set" });
  },
  stats() {
    const live = open.filter((socket) => socket.connected).length;
    reply({
      type: "stats",
      open: live,
      failed,
      closeCodes: disconnectReasons,
      sent: { ...sent },
      buffered: 0,
    });
  },
  close() {
    ticker.stop();
    for (const socket of open) socket.close();
    reply({ type: "closed" });
  },
});
reply({ type: "ready" });
