// The tracker's WebSocket transport: hello first, then presence and events, acks back.
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import {
  CLOSE_CODES,
  type ClientMessage,
  type ServerMessage,
  WIRE_LIMITS,
} from "@rollcall/protocol";
import type { Logger } from "pino";
import { type RawData, type WebSocket, WebSocketServer } from "ws";
import { AppError, toAppError } from "../http/app-error.js";
import type { ClientOrigin } from "../http/client-origin.js";
import type { ConnectionKey } from "../presence/types.js";
import { TokenBucket } from "./rate-limiter.js";
import { decodeFrame, frameSize, isHeartbeatFrame } from "./tracker-frames.js";
import type { TrackerGateway } from "./tracker-gateway.js";
import { ConnectionCounter, TRACKER_LIMITS, type TrackerLimits } from "./tracker-limits.js";

export const TRACKER_SOCKET_PATH = "/api/v1/track/ws";

export interface TrackerSocketsOptions {
  gateway: TrackerGateway;
  logger: Logger;
  heartbeatMs: number;
  clock: () => number;
  origin: ClientOrigin;
  /** Defaults to TRACKER_LIMITS; tests lower them. */
  limits?: Partial<TrackerLimits>;
}

/** What every socket shares: the limits and the counts they are checked against. */
interface SocketPool {
  limits: TrackerLimits;
  owners: Map<string, TrackerSocket>;
  perUser: ConnectionCounter;
}

const HELLO_TIMEOUT_MS = 10_000;

/** Accepts tracker WebSockets on the HTTP server; returns a function that closes them all. */
export function attachTrackerSockets(
  server: Server,
  options: TrackerSocketsOptions,
): {
  close: (code: number, reason: string) => void;
  count: () => number;
} {
  const limits = { ...TRACKER_LIMITS, ...options.limits };
  const wss = new WebSocketServer({
    noServer: true,
    // Frames over frameBytes get a 4413 and an error frame; far larger ones are cut off by ws (1009).
    maxPayload: 4 * WIRE_LIMITS.frameBytes,
    perMessageDeflate: false,
    clientTracking: false,
  });
  const sockets = new Set<TrackerSocket>();
  const pool: SocketPool = {
    limits,
    owners: new Map(),
    perUser: new ConnectionCounter(limits.connectionsPerUser),
  };
  const perAddress = new ConnectionCounter(limits.connectionsPerAddress);
  let isClosing = false;

  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? "").split("?")[0];
    if (path !== TRACKER_SOCKET_PATH) {
      refuseUpgrade(socket, 404, "not_found", `nothing at ${path?.slice(0, 200)}`);
      return;
    }
    if (isClosing) {
      refuseUpgrade(socket, 503, "unavailable", "server is shutting down; reconnect shortly");
      return;
    }
    const address = options.origin.addressOf(req);
    if (!perAddress.tryAdd(address)) {
      refuseUpgrade(
        socket,
        429,
        "rate_limited",
        `too many tracker connections from this address (limit ${limits.connectionsPerAddress})`,
      );
      return;
    }
    // Held until the TCP socket closes, whether or not the handshake succeeds.
    socket.once("close", () => perAddress.remove(address));
    wss.handleUpgrade(req, socket, head, (ws) => {
      const tracked = new TrackerSocket(ws, options, pool);
      sockets.add(tracked);
      ws.once("close", () => sockets.delete(tracked));
    });
  });

  // Half-open sockets: nothing heard for 2 × heartbeat (the presence rule) closes them.
  const sweep = setInterval(
    () => {
      const deadline = options.clock() - 2 * options.heartbeatMs;
      for (const socket of sockets) socket.closeIfSilentSince(deadline);
    },
    Math.min(5_000, options.heartbeatMs),
  );
  sweep.unref();

  return {
    close(code, reason) {
      isClosing = true;
      clearInterval(sweep);
      for (const socket of sockets) socket.close(code, reason);
    },
    count: () => sockets.size,
  };
}

/** Answers a refused upgrade with a JSON error, as the HTTP API would. */
function refuseUpgrade(socket: Duplex, status: number, code: string, message: string): void {
  const body = JSON.stringify({ error: { code, message } });
  const reason = status === 404 ? "Not Found" : status === 429 ? "Too Many Requests" : "Error";
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nconnection: close\r\ncontent-type: application/json\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

class TrackerSocket {
  private key: ConnectionKey | null = null;
  /** The user whose connection count this socket holds, once welcomed. */
  private userSlot: string | null = null;
  private chain: Promise<void> = Promise.resolve();
  /** Frames in `chain` not handled yet. */
  private queued = 0;
  private pendingAcks: string[] = [];
  private lastHeardAt: number;
  /** Until the hello is answered; dropped then, so an idle socket holds no timer object. */
  private helloTimer: NodeJS.Timeout | null;
  private readonly frames: TokenBucket;
  private readonly owners: Map<string, TrackerSocket>;

  constructor(
    private readonly ws: WebSocket,
    private readonly options: TrackerSocketsOptions,
    private readonly pool: SocketPool,
  ) {
    this.owners = pool.owners;
    this.lastHeardAt = options.clock();
    this.frames = new TokenBucket(
      pool.limits.framesPerSecond,
      pool.limits.frameBurst,
      this.lastHeardAt,
    );
    this.helloTimer = setTimeout(
      () => this.close(CLOSE_CODES.timeout, "no hello in time"),
      HELLO_TIMEOUT_MS,
    );
    ws.on("message", (data, isBinary) => {
      if (ws.readyState !== ws.OPEN) return;
      const now = options.clock();
      this.lastHeardAt = now;
      // Checked before queueing, so a flood cannot grow the queue below.
      if (!this.frames.take(now)) {
        const { framesPerSecond, frameBurst } = pool.limits;
        this.fail(
          new AppError(
            "rate_limited",
            `over ${framesPerSecond} frames per second (burst ${frameBurst}); slow down`,
          ),
          CLOSE_CODES.rateLimited,
        );
        return;
      }
      if (frameSize(data) > WIRE_LIMITS.frameBytes) {
        this.fail(
          new AppError("payload_too_large", `frame is over ${WIRE_LIMITS.frameBytes} bytes`),
          CLOSE_CODES.tooBig,
        );
        return;
      }
      if (this.queued === 0 && this.heartbeatNow(data)) return;
      // One message at a time, in order: a hello's token check must finish before what follows.
      this.queued++;
      this.chain = this.chain
        .then(() => this.receive(data, isBinary))
        .finally(() => {
          this.queued--;
        });
    });
    ws.on("close", () => this.closed());
    ws.on("error", () => ws.terminate());
  }

  closeIfSilentSince(deadline: number): void {
    if (this.lastHeardAt < deadline) this.close(CLOSE_CODES.timeout, "heartbeat timeout");
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) {
      this.ws.close(code, reason);
    }
  }

  /**
   * A heartbeat of a known, open tab when nothing is queued before it, handled at once: nine
   * frames in ten at load, and each otherwise cost a parse, a schema check and a few promises.
   * False: the queue takes the frame (and says what is wrong with it, if anything).
   */
  private heartbeatNow(data: RawData): boolean {
    if (!this.key || !isHeartbeatFrame(data)) return false;
    const { gateway } = this.options;
    if (!gateway.isOpen(this.key)) return false;
    const done = gateway.heartbeat(this.key);
    if (done) {
      // A shared store answers later: the next frames wait for it, as in the queue.
      this.queued++;
      this.chain = done
        .catch((error: unknown) => this.failed(error))
        .finally(() => {
          this.queued--;
        });
    }
    return true;
  }

  private async receive(data: RawData, isBinary: boolean): Promise<void> {
    if (this.ws.readyState !== this.ws.OPEN) return;
    const message = decodeFrame(data, isBinary);
    if (message instanceof AppError) {
      this.fail(message, CLOSE_CODES.badMessage);
      return;
    }
    try {
      if (message.t === "hello" || message.t === "identify") {
        await this.authenticate(message);
        return;
      }
      if (!this.key) {
        this.fail(new AppError("unauthorized", "send hello first"), CLOSE_CODES.badMessage);
        return;
      }
      if (!this.options.gateway.isOpen(this.key)) {
        // Presence dropped this tab (heartbeat timeout): a new hello restores it.
        this.fail(
          new AppError("unauthorized", "connection expired; say hello again"),
          CLOSE_CODES.timeout,
        );
        return;
      }
      const handled = this.options.gateway.handle(this.key, message);
      if (message.t === "event") {
        // Not awaited: the next frames go on while this one waits for its commit, so a resent
        // queue of events shares a few transactions instead of one each.
        handled.then(
          (ids) => this.ack(ids),
          (error: unknown) => this.failed(error),
        );
        return;
      }
      await handled;
    } catch (error) {
      this.failed(error);
    }
  }

  /** Acknowledges durable event ids; those made durable together go out in one frame. */
  private ack(ids: string[]): void {
    if (ids.length === 0) return;
    const isFirst = this.pendingAcks.length === 0;
    this.pendingAcks.push(...ids);
    if (!isFirst) return;
    setImmediate(() => {
      const batch = this.pendingAcks;
      this.pendingAcks = [];
      this.send({ t: "ack", ids: batch });
    });
  }

  private failed(error: unknown): void {
    // Storage unreachable becomes `unavailable` and 1012: the tracker resends after reconnecting.
    const expected = toAppError(error);
    if (expected) {
      const code =
        expected.status === 401
          ? CLOSE_CODES.badToken
          : expected.status === 429
            ? CLOSE_CODES.rateLimited
            : expected.status === 503
              ? CLOSE_CODES.restart
              : CLOSE_CODES.badMessage;
      this.fail(expected, code);
    } else {
      // Not acknowledged: the tracker keeps the event and resends it after reconnecting.
      this.options.logger.error({ err: error }, "tracker message failed");
      this.close(CLOSE_CODES.restart, "try again");
    }
  }

  private async authenticate(message: ClientMessage & { t: "hello" | "identify" }): Promise<void> {
    const { gateway } = this.options;
    let next: Awaited<ReturnType<TrackerGateway["hello"]>>;
    const admit = (key: ConnectionKey) => this.takeUserSlot(key);
    if (message.t === "hello") {
      next = await gateway.hello(message, "ws", admit);
    } else if (this.key) {
      next = await gateway.identify(this.key, message.token, "ws", admit);
    } else {
      this.fail(new AppError("unauthorized", "send hello first"), CLOSE_CODES.badMessage);
      return;
    }
    if (this.helloTimer) clearTimeout(this.helloTimer);
    this.helloTimer = null;
    const id = connectionId(next.key);
    if (
      this.key &&
      connectionId(this.key) !== id &&
      this.owners.get(connectionId(this.key)) === this
    ) {
      this.owners.delete(connectionId(this.key));
      if (message.t === "hello") gateway.disconnect(this.key);
    }
    this.key = next.key;
    this.owners.set(id, this);
    this.send(next.welcome);
  }

  /** Counts this socket against its user's limit (throws rate_limited when full). */
  private takeUserSlot(key: ConnectionKey): void {
    const slot = `${key.platform}\u0000${key.user}`;
    if (slot === this.userSlot) return;
    if (!this.pool.perUser.tryAdd(slot)) {
      throw new AppError(
        "rate_limited",
        `too many open connections for this user (limit ${this.pool.limits.connectionsPerUser}); close some tabs`,
      );
    }
    if (this.userSlot) this.pool.perUser.remove(this.userSlot);
    this.userSlot = slot;
  }

  private fail(error: AppError, closeCode: number): void {
    this.send({ t: "error", code: error.code, message: error.message });
    this.close(closeCode, error.code);
  }

  private send(message: ServerMessage): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    this.ws.send(JSON.stringify(message));
    if (this.ws.bufferedAmount > this.pool.limits.maxBufferedBytes) {
      // It sends but does not read: its acks pile up here. Cut it off; it resends what was unacked.
      this.options.logger.warn(
        { user: this.key?.user, buffered: this.ws.bufferedAmount },
        "tracker not reading its socket; terminated",
      );
      this.ws.terminate();
    }
  }

  private closed(): void {
    if (this.helloTimer) clearTimeout(this.helloTimer);
    this.helloTimer = null;
    if (this.userSlot) this.pool.perUser.remove(this.userSlot);
    this.userSlot = null;
    this.release();
  }

  /** Ends the connection in presence, unless a newer socket of the same tab has taken it over. */
  private release(): void {
    if (!this.key) return;
    const id = connectionId(this.key);
    if (this.owners.get(id) === this) {
      this.owners.delete(id);
      this.options.gateway.disconnect(this.key);
    }
  }
}

function connectionId(key: ConnectionKey): string {
  return `${key.platform}\u0000${key.user}\u0000${key.tab}`;
}
