// One tracker WebSocket: hello first, then presence and events, acks back; its frame rate,
// its user's slot and its token's expiry.
import { CLOSE_CODES, type ClientMessage, type ServerMessage } from "@rollcall/protocol";
import type { Logger } from "pino";
import type { WebSocket } from "ws";
import { AppError, toAppError } from "../errors/app-error.js";
import type { ClientOrigin } from "../http/client-origin.js";
import type { ConnectionKey } from "../presence/engine/types.js";
import { TokenBucket } from "./rate-limiter.js";
import { decodeFrame, isHeartbeatFrame } from "./tracker-frames.js";
import { RefusedEventError, type TrackerGateway } from "./tracker-gateway.js";
import type { ConnectionCounter, TrackerLimits } from "./tracker-limits.js";
import type { UserTabLimit } from "./user-tab-limit.js";

export const TRACKER_SOCKET_PATH = "/api/v1/track/ws";

export interface TrackerSocketsOptions {
  gateway: TrackerGateway;
  logger: Logger;
  heartbeatMs: number;
  clock: () => number;
  origin: ClientOrigin;
  /** A user's tabs over both transports, as presence holds them (HTTP tabs count too). */
  tabs?: UserTabLimit;
  /** Defaults to TRACKER_LIMITS; tests lower them. */
  limits?: Partial<TrackerLimits>;
}

/** What every socket shares: the limits and the counts they are checked against. */
export interface SocketPool {
  limits: TrackerLimits;
  owners: Map<string, TrackerSocket>;
  perUser: ConnectionCounter;
  perAddress: ConnectionCounter;
  sockets: Set<TrackerSocket>;
}

const HELLO_TIMEOUT_MS = 10_000;
/** How long a socket whose token expired may go on while the page fetches a fresh one. */
export const TOKEN_GRACE_MS = 60_000;
const SETTLED: Promise<void> = Promise.resolve();
/** `WebSocket.OPEN`, without a value import of the class for one constant. */
const OPEN = 1;

export class TrackerSocket {
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
  /** When the token the socket stands on expires; 0 before the hello. */
  private tokenExpiresAt = 0;
  /** Set once `reauth` is sent: when the socket is closed unless a fresh token comes. */
  private reauthDeadline = 0;
  /** Until the hello is answered; dropped then, so an idle socket holds no timer object. */
  private helloTimer: NodeJS.Timeout | null;
  private readonly frames: TokenBucket;
  private readonly owners: Map<string, TrackerSocket>;

  constructor(
    private readonly ws: WebSocket,
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
    if (!this.isOpen) return;
    const now = this.options.clock();
    this.lastHeardAt = now;
    // Checked before queueing, so a flood cannot grow the queue below.
    if (!this.tookFrame(now)) return;
    if (isBinary) {
      this.fail(new AppError("bad_request", "frames must be JSON text"), CLOSE_CODES.badMessage);
      return;
    }
    if (this.queued === 0 && this.heartbeatNow(data)) return;
    // One message at a time, in order: a hello's token check must finish before what follows.
    this.queued++;
    this.chain = this.chain.then(() => this.receive(data)).finally(() => this.dequeued());
  }

  /**
   * A ping or pong: `ws` answers pings itself (and hangs up on a client that leaves
   * 16 pongs unread: tracker-socket-server.ts); they count against the frame rate like any frame. They do not
   * count as being heard from: only the tracker's own frames keep a connection live.
   */
  controlFrame(): void {
    if (this.isOpen) this.tookFrame(this.options.clock());
  }

  /** Takes a frame from the socket's allowance; false (and the socket closing) when it is spent. */
  private tookFrame(now: number): boolean {
    if (this.frames.take(now)) return true;
    const { framesPerSecond, frameBurst } = this.pool.limits;
    this.fail(
      new AppError(
        "rate_limited",
        `over ${framesPerSecond} frames per second (burst ${frameBurst}); slow down`,
      ),
      CLOSE_CODES.rateLimited,
    );
    return false;
  }

  private get isOpen(): boolean {
    return this.ws.readyState === OPEN;
  }

  private dequeued(): void {
    this.queued--;
    if (this.queued === 0) this.chain = SETTLED;
  }

  /** The periodic checks: silent since `deadline`, or on an expired token past its grace. */
  sweep(deadline: number, now: number): void {
    if (this.lastHeardAt < deadline) {
      this.close(CLOSE_CODES.timeout, "heartbeat timeout");
    } else if (this.tokenExpiresAt > 0 && now >= this.tokenExpiresAt) {
      if (this.reauthDeadline === 0) {
        this.reauthDeadline = now + TOKEN_GRACE_MS;
        this.send({ t: "reauth", graceMs: TOKEN_GRACE_MS });
      } else if (now >= this.reauthDeadline) {
        this.fail(
          new AppError("token_expired", "token expired and no fresh one came in time"),
          CLOSE_CODES.tokenExpired,
        );
      }
    }
  }

  close(code: number, reason: string): void {
    if (this.isOpen) this.ws.close(code, reason);
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
    gateway.meter.message("ws", "hb");
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

  private async receive(data: Buffer): Promise<void> {
    if (!this.isOpen) return;
    const message = decodeFrame(data, false);
    if (message instanceof AppError) {
      this.fail(message, CLOSE_CODES.badMessage);
      return;
    }
    this.options.gateway.meter.message("ws", message.t);
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
          // One event refused for good (its time out of bounds): say which; the socket goes on.
          (error: unknown) => {
            if (!(error instanceof RefusedEventError)) return this.failed(error);
            this.options.gateway.meter.refusal("ws", error.code);
            this.send(error.toMessage());
          },
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
    this.tokenExpiresAt = next.welcome.tokenExpiresAt;
    this.reauthDeadline = 0;
    this.owners.set(id, this);
    this.send(next.welcome);
  }

  /** Counts this socket against its user's limit (throws rate_limited when full). */
  private takeUserSlot(key: ConnectionKey): void {
    // Joined, not concatenated: kept per socket, and a concatenation is a chain of string parts.
    const slot = [key.platform, key.user].join("\u0000");
    if (slot === this.userSlot) return;
    // Presence counts the user's HTTP tabs and other nodes' sockets; the counter here, this
    // node's sockets whose hello is still in flight.
    this.options.tabs?.admit(key);
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
    this.options.gateway.meter.refusal("ws", error.code);
    this.send({ t: "error", code: error.code, message: error.message });
    this.close(closeCode, error.code);
  }

  private send(message: ServerMessage): void {
    if (!this.isOpen) return;
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
