// Clients that behave as the real ones must: unique event ids, resend whatever was not acknowledged.
import { type EventMessage, PROTOCOL_VERSION } from "@rollcall/protocol";
import WebSocket from "ws";

export interface RetryingClient {
  /** Every event id this client made. */
  readonly sent: Set<string>;
  /** Ids made but not yet acknowledged (a 2xx or an ack). */
  readonly unacked: Map<string, unknown>;
  /** Makes one new event (sent now or queued until the server is back). */
  produce(): void;
  stop(): void;
}

/** A tracker tab over WebSocket: reconnects after any close and resends its queue after the welcome. */
export class RetryingTracker implements RetryingClient {
  readonly sent = new Set<string>();
  readonly unacked = new Map<string, EventMessage>();
  readonly closeCodes: number[] = [];
  private ws: WebSocket | null = null;
  private isWelcomed = false;
  private isStopped = false;
  private count = 0;

  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly tab: string,
  ) {
    this.connect();
  }

  produce(): void {
    const event: EventMessage = {
      t: "event",
      id: `${this.tab}-${this.count++}`,
      name: "message",
      ts: Date.now(),
    };
    this.sent.add(event.id);
    this.unacked.set(event.id, event);
    if (this.isWelcomed) this.ws?.send(JSON.stringify(event));
  }

  stop(): void {
    this.isStopped = true;
    this.ws?.close();
  }

  private connect(): void {
    if (this.isStopped) return;
    const ws = new WebSocket(`${this.url.replace(/^http/, "ws")}/api/v1/track/ws`);
    this.ws = ws;
    ws.on("open", () =>
      ws.send(
        JSON.stringify({
          t: "hello",
          v: PROTOCOL_VERSION,
          token: this.token,
          tab: this.tab,
          page: { path: "/", title: "Home" },
          visible: true,
        }),
      ),
    );
    ws.on("message", (data) => {
      const message = JSON.parse(data.toString()) as { t: string; ids?: string[] };
      if (message.t === "welcome") {
        this.isWelcomed = true;
        for (const event of this.unacked.values()) ws.send(JSON.stringify(event));
      } else if (message.t === "ack") {
        for (const id of message.ids ?? []) this.unacked.delete(id);
      }
    });
    ws.on("error", () => undefined);
    ws.on("close", (code) => {
      this.closeCodes.push(code);
      this.isWelcomed = false;
      if (this.ws === ws) this.ws = null;
      setTimeout(() => this.connect(), 100);
    });
  }
}

/** A platform backend posting batches to POST /api/v1/events, retrying until a 2xx. */
export class RetryingBackend implements RetryingClient {
  readonly sent = new Set<string>();
  readonly unacked = new Map<string, { id: string; user: string; name: string }>();
  /** Every answer: an HTTP status, or "error" when the connection failed. */
  readonly answers: Array<number | "error"> = [];
  private isStopped = false;
  private count = 0;
  private readonly loop: Promise<void>;

  constructor(
    private readonly url: string,
    private readonly secret: string,
    private readonly name: string,
  ) {
    this.loop = this.run();
  }

  produce(): void {
    const id = `${this.name}-${this.count++}`;
    this.sent.add(id);
    this.unacked.set(id, { id, user: this.name, name: "message" });
  }

  stop(): void {
    this.isStopped = true;
  }

  /** Resolves once stopped and everything made is acknowledged. */
  async finished(): Promise<void> {
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.isStopped || this.unacked.size > 0) {
      const batch = [...this.unacked.values()].slice(0, 200);
      if (batch.length > 0) {
        try {
          const response = await fetch(`${this.url}/api/v1/events`, {
            method: "POST",
            headers: { authorization: `Bearer ${this.secret}`, "content-type": "application/json" },
            body: JSON.stringify({ events: batch }),
            signal: AbortSignal.timeout(5_000),
          });
          this.answers.push(response.status);
          await response.body?.cancel();
          if (response.ok) for (const event of batch) this.unacked.delete(event.id);
        } catch {
          this.answers.push("error");
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
