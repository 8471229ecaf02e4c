// The tracker's WebSocket transport: hello first, then presence and events, acks back.
import { type IncomingMessage, type Server, STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import {
  CLOSE_CODES,
  type ClientMessage,
  type ServerMessage,
  WIRE_LIMITS,
} from "@rollcall/protocol";
import type { Logger } from "pino";
import { AppError, toAppError } from "../http/app-error.js";
import type { ClientOrigin } from "../http/client-origin.js";
import type { ConnectionKey } from "../presence/types.js";
import { TokenBucket } from "./rate-limiter.js";
import { ReadHold } from "./read-hold.js";
import { decodeFrame, isHeartbeatFrame } from "./tracker-frames.js";
import type { TrackerGateway } from "./tracker-gateway.js";
import { ConnectionCounter, TRACKER_LIMITS, type TrackerLimits } from "./tracker-limits.js";
import { WebSocketConnection, type WebSocketHandler } from "./websocket-connection.js";
import { completeHandshake, handshakeProblem } from "./websocket-handshake.js";

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
  perAddress: ConnectionCounter;
  sockets: Set<TrackerSocket>;
}

/** Frames over frameBytes get a 4413 and an error frame; far larger ones are cut off (1009). */
const MAX_MESSAGE_BYTES = 4 * WIRE_LIMITS.frameBytes;

const HELLO_TIMEOUT_MS = 10_000;
const SETTLED: Promise<void> = Promise.resolve();

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
    const problem = handshakeProblem(req);
    if (problem) {
      refuseUpgrade(socket, 400, "bad_request", problem);
      return;
    }
    const address = options.origin.addressOf(req);
    if (!pool.perAddress.tryAdd(address)) {
      refuseUpgrade(
        socket,
        429,
        "rate_limited",
        `too many tracker connections from this address (limit ${limits.connectionsPerAddress})`,
      );
      return;
    }
    if (!socket.readable || !socket.writable) {
      pool.perAddress.remove(address);
      socket.destroy();
      return;
    }
    completeHandshake(req, socket);
    const connection = new WebSocketConnection(socket as Socket, MAX_MESSAGE_BYTES);
    // Holds its address's slot until the TCP connection closes.
    const tracked = new TrackerSocket(connection, address, options, pool);
    sockets.add(tracked);
    connection.start(tracked, head);
    if (readHold.isHeld) connection.pause();
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
      readHold.stop();
    },
    count: () => sockets.size,
    hold: (isHeld) => readHold.want(isHeld),
  };
}

/** Answers a refused upgrade with a JSON error, as the HTTP API would. */
function refuseUpgrade(socket: Duplex, status: number, code: string, message: string): void {
  const body = JSON.stringify({ error: { code, message } });
  const reason = STATUS_CODES[status] ?? "Error";
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nconnection: close\r\ncontent-type: application/json\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

class TrackerSocket implements WebSocketHandler {
  private key: ConnectionKey | null = null;
  /** The user whose connection count this socket holds, once welcomed. */
  private userSlot: string | null = null;
  /** The frames in turn; back to SETTLED when none waits, so an idle socket holds no promise. */
  private chain: Promise<void> = SETTLED;
  /** Frames in `chain` not handled yet. */
  private queued = 0;
  /** Made durable since the last ack frame; null most of the time (no array kept per socket). */
  private pendingAcks: string[] | null = null;
  private lastHeardAt: number;
  /** Until the hello is answered; dropped then, so an idle socket holds no timer object. */
  private helloTimer: NodeJS.Timeout | null;
  private readonly frames: TokenBucket;
  private readonly owners: Map<string, TrackerSocket>;

  constructor(
    private readonly ws: WebSocketConnection,
    private readonly address: string,
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
  }

  message(data: Buffer, isBinary: boolean): void {
    if (!this.ws.isOpen) return;
    const now = this.options.clock();
    this.lastHeardAt = now;
    // Checked before queueing, so a flood cannot grow the queue below.
    if (!this.frames.take(now)) {
      const { framesPerSecond, frameBurst } = this.pool.limits;
      this.fail(
        new AppError(
          "rate_limited",
          `over ${framesPerSecond} frames per second (burst ${frameBurst}); slow down`,
        ),
        CLOSE_CODES.rateLimited,
      );
      return;
    }
    if (data.length > WIRE_LIMITS.frameBytes) {
      this.fail(
        new AppError("payload_too_large", `frame is over ${WIRE_LIMITS.frameBytes} bytes`),
        CLOSE_CODES.tooBig,
      );
      return;
    }
    if (this.queued === 0 && this.heartbeatNow(data)) return;
    // One message at a time, in order: a hello's token check must finish before what follows.
    this.queued++;
    this.chain = this.chain.then(() => this.receive(data, isBinary)).finally(() => this.dequeued());
  }

  private dequeued(): void {
    this.queued--;
    if (this.queued === 0) this.chain = SETTLED;
  }

  closeIfSilentSince(deadline: number): void {
    if (this.lastHeardAt < deadline) this.close(CLOSE_CODES.timeout, "heartbeat timeout");
  }

  close(code: number, reason: string): void {
    this.ws.close(code, reason);
  }

  setReading(isReading: boolean): void {
    if (isReading) this.ws.resume();
    else this.ws.pause();
  }

  /**
   * A heartbeat of a known, open tab when nothing is queued before it, handled at once: nine
   * frames in ten at load, and each otherwise cost a parse, a schema check and a few promises.
   * False: the queue takes the frame (and says what is wrong with it, if anything).
   */
  private heartbeatNow(data: Buffer): boolean {
    if (!this.key || !isHeartbeatFrame(data)) return false;
    const { gateway } = this.options;
    if (!gateway.isOpen(this.key)) return false;
    const done = gateway.heartbeat(this.key);
    if (done) {
      // A shared store answers later: the next frames wait for it, as in the queue.
      this.queued++;
      this.chain = done
        .catch((error: unknown) => this.failed(error))
        .finally(() => this.dequeued());
    }
    return true;
  }

  private async receive(data: Buffer, isBinary: boolean): Promise<void> {
    if (!this.ws.isOpen) return;
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
    if (this.pendingAcks) {
      this.pendingAcks.push(...ids);
      return;
    }
    this.pendingAcks = [...ids];
    setImmediate(() => {
      const batch = this.pendingAcks ?? [];
      this.pendingAcks = null;
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
    // Joined, not concatenated: kept per socket, and a concatenation is a chain of string parts.
    const slot = [key.platform, key.user].join("\u0000");
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
    if (!this.ws.isOpen) return;
    this.ws.send(JSON.stringify(message));
    if (this.ws.bufferedBytes > this.pool.limits.maxBufferedBytes) {
      // It sends but does not read: its acks pile up here. Cut it off; it resends what was unacked.
      this.options.logger.warn(
        { user: this.key?.user, buffered: this.ws.bufferedBytes },
        "tracker not reading its socket; terminated",
      );
      this.ws.terminate();
    }
  }

  closed(): void {
    this.pool.sockets.delete(this);
    this.pool.perAddress.remove(this.address);
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
  return [key.platform, key.user, key.tab].join("\u0000");
}
