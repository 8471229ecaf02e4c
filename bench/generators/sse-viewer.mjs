// A Connected users dashboard: reads Rollcall's SSE stream and times each page change's arrival.
import { request } from "node:http";
import { onCommands, readConfig, reply } from "../harness/child-runtime.mjs";
import { createLatencyRecorder } from "./latency-recorder.mjs";

const config = readConfig();
const recorder = createLatencyRecorder();
let snapshotUsers = -1;
let changeEvents = 0;

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
    reply({ type: "subscribed", users: snapshotUsers });
  } else if (event === "change") {
    changeEvents++;
    const change = JSON.parse(data);
    for (const user of change.upserts) recorder.observe(user.id, user.currentPage?.path);
  }
}

const req = request(`${config.url}/api/v1/presence/stream`, {
  headers: { authorization: `Bearer ${config.token}`, accept: "text/event-stream" },
});
req.on("response", (res) => {
  if (res.statusCode !== 200) {
    reply({ type: "error", message: `stream answered ${res.statusCode}` });
    return;
  }
  res.setEncoding("utf8");
  let buffer = "";
  res.on("data", (/** @type {string} */ chunk) => {
    buffer += chunk;
    let end = buffer.indexOf("\n\n");
    while (end !== -1) {
      onEvent(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf("\n\n");
    }
  });
  res.on("end", () => reply({ type: "error", message: "stream ended" }));
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
