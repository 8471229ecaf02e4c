// The tracker WebSocket endpoint on `ws`: the upgrade route, the limits of the protocol itself,
// and the checks that run over every open socket.
import type { IncomingMessage, Server } from "node:http";
import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import { WIRE_LIMITS } from "@rollcall/protocol";
import { type ServerOptions, WebSocket, WebSocketServer } from "ws";
import { ReadHold } from "./read-hold.js";
import { ConnectionCounter, TRACKER_LIMITS } from "./tracker-limits.js";
import {
  type SocketPool,
  TRACKER_SOCKET_PATH,
  TrackerSocket,
  type TrackerSocketsOptions,
} from "./tracker-socket.js";

/**
 * A message over frameBytes is cut off by `ws` (1009) as soon as a frame header says so, whole or
 * in fragments: a socket never holds more than this of a message that has not fully arrived
 * (2,000 sockets of one address: 32 MB at most).
 */
const MAX_MESSAGE_BYTES = WIRE_LIMITS.frameBytes;
/**
 * Fragments of one message: a tracker never fragments (browsers send a message whole), so a few
 * are plenty; each held fragment keeps its read buffer alive (the fragment bomb).
 */
const MAX_FRAGMENTS = 16;
/** Pongs written and not yet taken by the kernel: a client that pings without reading is cut off. */
const MAX_PENDING_PONGS = 16;
/** After our close frame, how long the client has to answer before the socket is destroyed. */
const CLOSE_TIMEOUT_MS = 5_000;

/**
 * A `ws` socket that hands its events straight to its tracker socket. Five listeners per socket
 * cost ~280 B of listener table at 100,000 tabs (a null-prototype object in dictionary mode) and
 * a dispatch per message; `ws` raises every event through `emit`, so one method does it.
 */
class TrackerWebSocket extends WebSocket {
  tracker: TrackerSocket | null = null;

  override emit(event: string | symbol, first?: unknown, second?: unknown): boolean {
    // A protocol violation or a socket error: `ws` closes the connection itself (1002, 1007,
    // 1008, 1009 or a plain hang-up); nothing to do but not let it be thrown.
    if (event === "error") return true;
    const tracker = this.tracker;
    if (tracker === null) return super.emit(event, first, second);
    switch (event) {
      case "message":
        tracker.message(first as Buffer, second as boolean);
        return true;
      case "ping":
      case "pong":
        tracker.controlFrame();
        return true;
      case "close":
        tracker.closed();
        return true;
      default:
        return super.emit(event, first, second);
    }
  }
}

/**
 * Accepts tracker WebSockets on the HTTP server. `hold(true)` stops reading them (the fact writer
 * is behind: frames wait in the kernel, then in the clients) until `hold(false)`, at most half a
 * heartbeat at a time (see ReadHold); `close` closes them all.
 */
export function attachTrackerSockets(
  server: Server,
  options: TrackerSocketsOptions,
): {
  close: (code: number, reason: string) => void;
  count: () => number;
  /** Sockets whose hello was answered: this node's tabs on WebSocket. */
  tabs: () => number;
  hold: (isHeld: boolean) => void;
} {
  const limits = { ...TRACKER_LIMITS, ...options.limits };
  const sockets = new Set<TrackerSocket>();
  const pool: SocketPool = {
    limits,
    owners: new Map(),
    perUser: new ConnectionCounter(limits.connectionsPerUser),
    perAddress: new ConnectionCounter(limits.connectionsPerAddress),
    sockets,
  };
  const readHold = new ReadHold(options.heartbeatMs / 2, (isHeld) => {
    for (const socket of sockets) socket.setReading(!isHeld);
  });
  // `ws` does the framing, the handshake's checks and the protocol's limits; no extensions
  // (permessage-deflate costs ~300 KB of zlib state per socket and a tracker's frames are tiny).
  const serverOptions: ServerOptions<typeof TrackerWebSocket> & {
    maxPendingAutoPongs: number;
    closeTimeout: number;
  } = {
    WebSocket: TrackerWebSocket,
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    maxPayload: MAX_MESSAGE_BYTES,
    maxFragments: MAX_FRAGMENTS,
    // `ws` 8.23 has these two; @types/ws 8.18 does not list them yet.
    maxPendingAutoPongs: MAX_PENDING_PONGS,
    closeTimeout: CLOSE_TIMEOUT_MS,
  };
  const wss = new WebSocketServer(serverOptions);
  let isClosing = false;

  const refuse = (socket: Duplex, status: number, code: string, message: string) => {
    options.gateway.meter.refusal("ws", code);
    refuseUpgrade(socket, status, code, message);
  };
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? "").split("?")[0];
    if (path !== TRACKER_SOCKET_PATH) {
      refuse(socket, 404, "not_found", `nothing at ${path?.slice(0, 200)}`);
      return;
    }
    if (isClosing) {
      refuse(socket, 503, "unavailable", "server is shutting down; reconnect shortly");
      return;
    }
    const address = options.origin.addressOf(req);
    if (!pool.perAddress.tryAdd(address)) {
      refuse(
        socket,
        429,
        "rate_limited",
        `too many tracker connections from this address (limit ${limits.connectionsPerAddress})`,
      );
      return;
    }
    // `ws` completes or refuses the handshake at once (no verifyClient): a refused one gives
    // the slot back here, an accepted one when its socket closes (no listener or field is added
    // to the TCP socket for it: every byte per tab counts at 100,000 tabs).
    let isAccepted = false;
    wss.handleUpgrade(req, socket, head, (ws) => {
      isAccepted = true;
      const tracked = new TrackerSocket(ws, address, options, pool);
      ws.tracker = tracked;
      sockets.add(tracked);
      if (readHold.isHeld) ws.pause();
    });
    if (!isAccepted) pool.perAddress.remove(address);
  });

  // Half-open sockets: nothing heard for 2 × heartbeat (the presence rule) closes them; sockets
  // whose token expired are asked for a fresh one, then closed once the grace is over.
  const sweep = setInterval(
    () => {
      const now = options.clock();
      const deadline = now - 2 * options.heartbeatMs;
      for (const socket of sockets) socket.sweep(deadline, now);
    },
    Math.min(5_000, options.heartbeatMs),
  );
  sweep.unref();

  return {
    close(code, reason) {
      isClosing = true;
      clearInterval(sweep);
      for (const socket of sockets) socket.close(code, reason);
      readHold.stop();
    },
    count: () => sockets.size,
    tabs: () => pool.owners.size,
    hold: (isHeld) => readHold.want(isHeld),
  };
}

/** Answers a refused upgrade with a JSON error, as the HTTP API would. */
function refuseUpgrade(socket: Duplex, status: number, code: string, message: string): void {
  const body = JSON.stringify({ error: { code, message } });
  const reason = STATUS_CODES[status] ?? "Error";
  socket.on("error", destroyOnError);
  // Destroyed once written: a client that never ends its side keeps no descriptor here.
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nconnection: close\r\ncontent-type: application/json\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    () => socket.destroy(),
  );
}

function destroyOnError(this: Duplex): void {
  this.destroy();
}
