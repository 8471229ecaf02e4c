// The baseline's dashboard: an admin socket in the admins room, timing each page broadcast.
import { io } from "socket.io-client";
import { onCommands, readConfig, reply } from "../harness/child-runtime.mjs";
import { createLatencyRecorder } from "./latency-recorder.mjs";

const config = readConfig();
const recorder = createLatencyRecorder();
let events = 0;

const socket = io(config.url, {
  transports: ["websocket"],
  reconnection: false,
  auth: { token: config.token, admin: true },
});
socket.on("snapshot", (entries) => reply({ type: "subscribed", users: entries.length }));
socket.on("page", (message) => {
  events++;
  recorder.observe(message.user, message.page?.path);
});
socket.on("connect_error", (error) => reply({ type: "error", message: error.message }));

onCommands({
  reset() {
    recorder.reset();
    events = 0;
    reply({ type: "reset-done" });
  },
  report() {
    reply({ type: "report", latency: recorder.report(), events });
  },
});
reply({ type: "ready" });
