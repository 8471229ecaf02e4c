// The floor for tracker messages: Node's sockets with nothing on top. It answers the WebSocket
// handshake by hand, then splits each read into frames, unmasks them and parses them as JSON
// (a hello gets a welcome), and keeps nothing: the least any Node server does per message.
import { createHash } from "node:crypto";
import { createServer } from "node:http";
import { readConfig, reply } from "../harness/child-runtime.mjs";

const config = readConfig();
const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
const welcome = Buffer.from(JSON.stringify({ t: "welcome", v: 1, heartbeatMs: 30_000 }));
const WELCOME_FRAME = Buffer.concat([Buffer.from([0x81, welcome.length]), welcome]);

const server = createServer((_req, res) => {
  res.writeHead(404).end();
});
server.on("upgrade", (req, socket) => {
  const accept = createHash("sha1")
    .update(`${req.headers["sec-websocket-key"]}${GUID}`)
    .digest("base64");
  socket.setNoDelay(true);
  socket.on("error", () => undefined);
  socket.write(
    `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
  );
  /** @type {Buffer | null} */
  let rest = null;
  socket.on("data", (/** @type {Buffer} */ chunk) => {
    let data = rest ? Buffer.concat([rest, chunk]) : chunk;
    rest = null;
    for (;;) {
      const length = frameLength(data);
      if (length === 0 || data.length < length) break;
      onFrame(socket, data.subarray(0, length));
      data = data.subarray(length);
    }
    if (data.length > 0) rest = data;
  });
});

/**
 * A client frame's whole length (masked, payload under 64 KiB), or 0 if its header is incomplete.
 * @param {Buffer} data
 */
function frameLength(data) {
  if (data.length < 2) return 0;
  const size = (data[1] ?? 0) & 0x7f;
  if (size < 126) return 6 + size;
  if (data.length < 4) return 0;
  return 8 + data.readUInt16BE(2);
}

/**
 * @param {import("node:net").Socket} socket
 * @param {Buffer} frame
 */
function onFrame(socket, frame) {
  const opcode = (frame[0] ?? 0) & 0x0f;
  if (opcode === 0x8) {
    socket.end();
    return;
  }
  const start = ((frame[1] ?? 0) & 0x7f) < 126 ? 6 : 8;
  const mask = frame.subarray(start - 4, start);
  const payload = Buffer.allocUnsafe(frame.length - start);
  for (let i = 0; i < payload.length; i++)
    payload[i] = (frame[start + i] ?? 0) ^ (mask[i & 3] ?? 0);
  try {
    if (JSON.parse(payload.toString()).t === "hello") socket.write(WELCOME_FRAME);
  } catch {
    socket.destroy();
  }
}

server.listen(config.port, "127.0.0.1", () => reply({ type: "ready", port: config.port }));
