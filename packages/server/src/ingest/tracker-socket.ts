// The tracker's WebSocket transport: hello first, then presence and events, acks back.
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import {
  CLOSE_CODES,
  type ClientMessage,
  clientMessageSchema,
  type ServerMessage,
  WIRE_LIMITS,
} from "@rollcall/protocol";
import type { Logger } from "pino";
import { type RawData, type WebSocket, WebSocketServer } from "ws";
import { AppError, describeIssues } from "../http/app-error.js";
import type { ConnectionKey } from "../presence/types.js";
import type { TrackerGateway } from "./tracker-gateway.js";

export const TRACKER_SOCKET_PATH = "/api/v1/track/ws";

export interface TrackerSocketsOptions {
  gateway: TrackerGateway;
  logger: Logger;
  heartbeatMs: number;
  clock: () => number;
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
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: WIRE_LIMITS.frameBytes,
    perMessageDeflate: false,
    clientTracking: false,
  });
  const sockets = new Set<TrackerSocket>();
  const owners = new Map<string, TrackerSocket>();

  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? "").split("?")[0];
    if (path !== TRACKER_SOCKET_PATH) {
      socket.end("HTTP/1.1 404 Not Found\r\nconnection: close\r\n\r\n");
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const tracked = new TrackerSocket(ws, options, owners);
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
      clearInterval(sweep);
      for (const socket of sockets) socket.close(code, reason);
    },
    count: () => sockets.size,
  };
}

class TrackerSocket {
  private key: ConnectionKey | null = null;
  private chain: Promise<void> = Promise.resolve();
  private lastHeardAt: number;
  private readonly helloTimer: NodeJS.Timeout;

  constructor(
    private readonly ws: WebSocket,
    private readonly options: TrackerSocketsOptions,
    private readonly owners: Map<string, TrackerSocket>,
  ) {
    this.lastHeardAt = options.clock();
    this.helloTimer = setTimeout(
      () => this.close(CLOSE_CODES.timeout, "no hello in time"),
      HELLO_TIMEOUT_MS,
    );
    ws.on("message", (data, isBinary) => {
      this.lastHeardAt = options.clock();
      // One message at a time, in order: a hello's token check must finish before what follows.
      this.chain = this.chain.then(() => this.receive(data, isBinary));
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

  private async receive(data: RawData, isBinary: boolean): Promise<void> {
    if (this.ws.readyState !== this.ws.OPEN) return;
    const message = this.parse(data, isBinary);
    if (!message) return;
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
      const acks = await this.options.gateway.handle(this.key, message);
      if (acks.length > 0) this.send({ t: "ack", ids: acks });
    } catch (error) {
      if (error instanceof AppError) {
        const code = error.status === 401 ? CLOSE_CODES.badToken : CLOSE_CODES.badMessage;
        this.fail(error, code);
      } else {
        // Not acknowledged: the tracker keeps the event and resends it after reconnecting.
        this.options.logger.error({ err: error }, "tracker message failed");
        this.close(CLOSE_CODES.restart, "try again");
      }
    }
  }

  private async authenticate(message: ClientMessage & { t: "hello" | "identify" }): Promise<void> {
    const { gateway } = this.options;
    let next: Awaited<ReturnType<TrackerGateway["hello"]>>;
    if (message.t === "hello") {
      next = await gateway.hello(message, "ws");
    } else if (this.key) {
      next = await gateway.identify(this.key, message.token, "ws");
    } else {
      this.fail(new AppError("unauthorized", "send hello first"), CLOSE_CODES.badMessage);
      return;
    }
    clearTimeout(this.helloTimer);
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

  private parse(data: RawData, isBinary: boolean): ClientMessage | null {
    if (isBinary) {
      this.fail(new AppError("bad_request", "frames must be JSON text"), CLOSE_CODES.badMessage);
      return null;
    }
    let json: unknown;
    try {
      json = JSON.parse(data.toString());
    } catch {
      this.fail(new AppError("bad_request", "frame is not valid JSON"), CLOSE_CODES.badMessage);
      return null;
    }
    const parsed = clientMessageSchema.safeParse(json);
    if (!parsed.success) {
      this.fail(
        new AppError("invalid_body", describeIssues(parsed.error.issues, "message")),
        CLOSE_CODES.badMessage,
      );
      return null;
    }
    return parsed.data;
  }

  private fail(error: AppError, closeCode: number): void {
    this.send({ t: "error", code: error.code, message: error.message });
    this.close(closeCode, error.code);
  }

  private send(message: ServerMessage): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(JSON.stringify(message));
  }

  private closed(): void {
    clearTimeout(this.helloTimer);
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
