// The server's half of the WebSocket opening handshake (RFC 6455 §4.2): checks the upgrade
// request and writes the 101 answer.
import { createHash } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";

/** Fixed by RFC 6455: the client's key and this, hashed, prove the server speaks WebSocket. */
const ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
/** Base64 of 16 random bytes. */
const KEY_PATTERN = /^[+/0-9A-Za-z]{21}[AQgw]==$/;

/** Why the request cannot be upgraded (for a 400 answer), or null when it can. */
export function handshakeProblem(req: IncomingMessage): string | null {
  if (req.method !== "GET") return "a WebSocket upgrade must be a GET request";
  if (req.headers.upgrade?.toLowerCase() !== "websocket") {
    return 'the Upgrade header must be "websocket"';
  }
  const key = req.headers["sec-websocket-key"];
  if (typeof key !== "string" || !KEY_PATTERN.test(key)) {
    return "missing or invalid Sec-WebSocket-Key header";
  }
  if (req.headers["sec-websocket-version"] !== "13") {
    return "missing or unsupported Sec-WebSocket-Version header (13 is supported)";
  }
  return null;
}

/** Answers a request `handshakeProblem` passed with 101; the socket then carries frames. */
export function completeHandshake(req: IncomingMessage, socket: Duplex): void {
  const accept = createHash("sha1")
    .update(`${req.headers["sec-websocket-key"]}${ACCEPT_GUID}`)
    .digest("base64");
  socket.write(
    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
      `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
  );
}
