// Starts a real Rollcall on a random port with its own SQLite file, for integration tests.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ClientMessage, PROTOCOL_VERSION, type ServerMessage } from "@rollcall/protocol";
import pino from "pino";
import WebSocket from "ws";
import { signUserToken, signViewerToken } from "../auth/token-signer.js";
import { loadConfig } from "../config/config.js";
import { type Rollcall, type RollcallOptions, startRollcall } from "../main.js";

export const TEST_SECRET = "integration-test-secret-0123456789";

/**
 * How long a test waits for something that should happen at once: generous, since a wait
 * ends as soon as the condition holds, and a machine loaded by other work can stall for seconds.
 */
export const WAIT_MS = 30_000;

export interface TestRollcall extends Rollcall {
  dataDir: string;
  userToken(sub: string, extra?: { name?: string; role?: string; email?: string }): Promise<string>;
  viewerToken(role?: "owner" | "admin" | "instructor", apps?: string[]): Promise<string>;
  /** Stops the server; the data stays for a restart unless `remove`. */
  stop(remove?: boolean): Promise<void>;
}

export async function startTestRollcall(
  env: Record<string, string> = {},
  dataDir = mkdtempSync(join(tmpdir(), "rollcall-it-")),
  clock?: () => number,
  options: Pick<RollcallOptions, "limits" | "httpLimits" | "streamRecheckMs"> = {},
): Promise<TestRollcall> {
  const config = loadConfig({
    PORT: "0",
    ROLLCALL_HOST: "127.0.0.1",
    ROLLCALL_DATA_DIR: dataDir,
    ROLLCALL_PLATFORM_SECRET: TEST_SECRET,
    ROLLCALL_HEARTBEAT_SECONDS: "1",
    ROLLCALL_IDLE_SECONDS: "2",
    ROLLCALL_SESSION_GRACE_SECONDS: "4",
    ...env,
  });
  const rollcall = await startRollcall(config, {
    logger: pino({ level: "silent" }),
    ...(clock ? { clock } : {}),
    ...options,
  });
  return {
    ...rollcall,
    dataDir,
    userToken: (sub, extra = {}) =>
      signUserToken(
        {
          sub,
          name: extra.name ?? sub,
          email: extra.email ?? `${sub}@example.com`,
          role: extra.role ?? "Learner",
        },
        { secret: TEST_SECRET, ttlSeconds: 600, now: (clock ?? Date.now)() },
      ),
    viewerToken: (role = "owner", apps) =>
      signViewerToken(
        { sub: `viewer-${role}`, role, ...(apps ? { apps } : {}) },
        { secret: TEST_SECRET, ttlSeconds: 600, now: (clock ?? Date.now)() },
      ),
    async stop(remove = true) {
      await rollcall.close();
      if (remove) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A tracker speaking the real protocol over a real WebSocket, with a message inbox. */
export class TestTab {
  readonly inbox: ServerMessage[] = [];
  closeCode: number | null = null;
  private ws!: WebSocket;

  constructor(
    private readonly url: string,
    readonly tab: string,
  ) {}

  async open(
    token: string,
    page = { path: "/", title: "Home", app: null as string | null },
  ): Promise<ServerMessage> {
    this.ws = new WebSocket(`${this.url.replace(/^http/, "ws")}/api/v1/track/ws`);
    this.closeCode = null;
    this.ws.on("message", (data) => this.inbox.push(JSON.parse(data.toString()) as ServerMessage));
    this.ws.on("close", (code) => {
      this.closeCode = code;
    });
    await new Promise<void>((resolve, reject) => {
      this.ws.once("open", () => resolve());
      this.ws.once("error", reject);
    });
    this.send({
      t: "hello",
      v: PROTOCOL_VERSION,
      token,
      tab: this.tab,
      page,
      visible: true,
      inputAgoMs: 0,
    });
    return this.next();
  }

  send(message: ClientMessage | Record<string, unknown>): void {
    this.ws.send(JSON.stringify(message));
  }

  sendRaw(data: string): void {
    this.ws.send(data);
  }

  /**
   * The next server message not yet taken. The bound is generous: it returns as soon as the
   * message is there, and a busy machine can take seconds to deliver it.
   */
  async next(timeoutMs = WAIT_MS): Promise<ServerMessage> {
    const deadline = Date.now() + timeoutMs;
    while (this.inbox.length === 0) {
      if (Date.now() > deadline) throw new Error("no server message in time");
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.inbox.shift()!;
  }

  async closed(timeoutMs = WAIT_MS): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (this.closeCode === null) {
      if (Date.now() > deadline) throw new Error("socket not closed in time");
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.closeCode;
  }

  /**
   * Resolves once the server has read every frame sent before: a WebSocket ping is answered
   * after the frames ahead of it (and does not count as hearing from the tracker), so a test
   * that moves the clock by hand can do it knowing what the server has heard.
   */
  heard(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.closeCode !== null) {
        reject(new Error(`socket closed (${this.closeCode}) before the server answered`));
        return;
      }
      const onClose = (code: number) =>
        reject(new Error(`socket closed (${code}) before the server answered`));
      this.ws.once("close", onClose);
      this.ws.once("pong", () => {
        this.ws.off("close", onClose);
        resolve();
      });
      this.ws.ping();
    });
  }

  close(): void {
    this.ws.close();
  }
}

/** Polls until `check` returns a value that is not undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = WAIT_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw last instanceof Error ? last : new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 25));
  }
}
