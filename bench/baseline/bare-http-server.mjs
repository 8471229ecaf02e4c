// The floor for one-event requests: Node's HTTP server alone. It checks the bearer secret, reads
// and parses the JSON body and answers as Rollcall does, but validates and stores nothing, so
// Rollcall's events/s against it is the share of Node's own per-request cost left to Rollcall.
import { createServer } from "node:http";
import { readConfig, reply } from "../harness/child-runtime.mjs";

const config = readConfig();
const expected = `Bearer ${config.secret}`;

const server = createServer((req, res) => {
  /** @param {number} status @param {unknown} body */
  const send = (status, body) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      "content-type": "application/json; charset=utf-8",
      "content-length": Buffer.byteLength(text),
    });
    res.end(text);
  };
  if (req.method !== "POST" || req.url !== "/api/v1/events")
    return send(404, { error: "not_found" });
  if (req.headers.authorization !== expected) return send(401, { error: "unauthorized" });
  /** @type {Buffer[]} */
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", () => {
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      if (!Array.isArray(body?.events)) return send(400, { error: "bad_request" });
      send(200, { accepted: body.events.length });
    } catch {
      send(400, { error: "bad_request" });
    }
  });
});
server.listen(config.port, "127.0.0.1", () => reply({ type: "ready", port: config.port }));
