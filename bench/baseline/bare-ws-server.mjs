// The floor for tracker messages: Node with the `ws` library alone. It welcomes every hello and
// parses every message as JSON, but checks, keeps and forwards nothing, so the server CPU it
// spends per message is what reading a WebSocket message costs before any presence work.
import { createServer } from "node:http";
import { WebSocketServer } from "ws";
import { readConfig, reply } from "../harness/child-runtime.mjs";

const config = readConfig();
const WELCOME = JSON.stringify({ t: "welcome", v: 1, heartbeatMs: 30_000 });

const server = createServer((_req, res) => {
  res.writeHead(404).end();
});
const wss = new WebSocketServer({ server, path: "/api/v1/track/ws", perMessageDeflate: false });
wss.on("connection", (ws) => {
  ws.on("error", () => undefined);
  ws.on("message", (data) => {
    try {
      if (JSON.parse(data.toString()).t === "hello") ws.send(WELCOME);
    } catch {
      ws.close(1007, "not JSON");
    }
  });
});
server.listen(config.port, "127.0.0.1", () => reply({ type: "ready", port: config.port }));
