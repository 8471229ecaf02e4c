// A Connected users dashboard: reads Rollcall's SSE stream and times each page change's arrival.
import { request } from "node:http";
import { createGunzip } from "node:zlib";
import { onCommands, readConfig, reply } from "../harness/child-runtime.mjs";
import { createLatencyRecorder } from "./latency-recorder.mjs";

const config = readConfig();
const recorder = createLatencyRecorder();
let snapshotUsers = -1;
let changeEvents = 0;
let wireBytes = 0;

/** @param {string} block one SSE event (lines up to a blank line) */
function onEvent(block) {
  let event = "message";
  let data = "";
  for (const line of block.split("\n")) {
    if (line.startsWith("event: ")) event = line.slice(7);
    else if (line.startsWith("data: ")) data += line.slice(6);
  }
  if (event === "snapshot") {
    snapshotUsers = JSON.parse(data).users.length;
    reply({
      type: "subscribed",
      users: snapshotUsers,
      bytes: Buffer.byteLength(data),
      // As received, compressed or not (up to the moment the snapshot was parsed).
      wireBytes,
      ms: performance.now() - requestedAt,
    });
  } else if (event === "change") {
    changeEvents++;
    const change = JSON.parse(data);
    for (const user of change.upserts) recorder.observe(user.id, user.currentPage?.path);
  }
}

const requestedAt = performance.now();
const req = request(`${config.url}/api/v1/presence/stream`, {
  // `gzip`: as a browser's EventSource asks, and the stream comes compressed; else plain, as the
  // Socket.IO baseline's admin socket gets its frames.
  headers: {
    authorization: `Bearer ${config.token}`,
    accept: "text/event-stream",
    "accept-encoding": config.gzip ? "gzip" : "identity",
  },
});
req.on("response", (res) => {
  if (res.statusCode !== 200) {
    reply({ type: "error", message: `stream answered ${res.statusCode}` });
    return;
  }
  const body = res.headers["content-encoding"] === "gzip" ? res.pipe(createGunzip()) : res;
  res.on("data", (/** @type {Buffer | string} */ chunk) => {
    wireBytes += chunk.length;
  });
  body.setEncoding("utf8");
  // A snapshot of 50,000 users is megabytes: chunks are joined only once their event is complete,
  // and only the new chunk is searched for the blank line that ends an event.
  /** @type {string[]} */
  let parts = [];
  let lastChar = "";
  body.on("data", (/** @type {string} */ chunk) => {
    let start = 0;
    // The blank line split across two chunks: "…\n" then "\n…".
    if (lastChar === "\n" && chunk.startsWith("\n")) {
      onEvent(parts.join("").slice(0, -1));
      parts = [];
      start = 1;
    }
    let end = chunk.indexOf("\n\n", start);
    while (end !== -1) {
      onEvent(parts.join("") + chunk.slice(start, end));
      parts = [];
      start = end + 2;
      end = chunk.indexOf("\n\n", start);
    }
    const rest = chunk.slice(start);
    if (rest) parts.push(rest);
    lastChar = rest ? rest.slice(-1) : "";
  });
  body.on("end", () => reply({ type: "error", message: "stream ended" }));
  // Cut off by the server: without these the child died of the unhandled 'error', saying nothing.
  res.on("error", (error) => reply({ type: "error", message: `stream cut off: ${error.message}` }));
});
req.on("error", (error) => reply({ type: "error", message: `stream: ${error.message}` }));
req.end();

onCommands({
  reset() {
    recorder.reset();
    changeEvents = 0;
    reply({ type: "reset-done" });
  },
  report() {
    reply({ type: "report", latency: recorder.report(), events: changeEvents });
  },
});
reply({ type: "ready" });
