// The budget for request bodies being read: per client address, for the process, against real sockets.
import { request, type Server } from "node:http";
import { type AddressInfo, connect, type Socket } from "node:net";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { startTestRollcall, type TestRollcall } from "../testing/test-rollcall.js";
import { BodyBudget, CHUNK_COST_BYTES } from "./body-budget.js";
import { readJson, sendJson } from "./http-io.js";
import { HTTP_LIMITS, type HttpLimits } from "./http-limits.js";
import { createHttpServer } from "./http-server.js";
import { Router } from "./router.js";
import { TRACK_BODY_BYTES } from "./routes/track-routes.js";

/** Generous for a busy 2-core machine: conditions are waited for, never timed. */
const WAIT = { timeout: 15_000, interval: 50 };
/** A test with real sockets: room for a few waits. */
const SOCKET_TEST_MS = 60_000;

let rollcall: TestRollcall | null = null;
let server: Server | null = null;
const sockets: Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await rollcall?.stop();
  rollcall = null;
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = null;
});

describe("BodyBudget", () => {
  const budget = () =>
    new BodyBudget({ bodyBytesPerAddress: 100, bodyBytesInFlight: 150 }, () => "");

  it("refuses an address past its share with rate_limited, charging nothing, and serves another", () => {
    const bodies = budget();
    const a = bodies.open("a");
    expect(bodies.take(a, 80)).toBeNull();
    expect(bodies.take(a, 21)?.code).toBe("rate_limited");
    expect(bodies.held("a")).toBe(80);
    expect(bodies.take(bodies.open("b"), 60)).toBeNull();
  });

  it("refuses past the whole budget with unavailable, whoever asks", () => {
    const bodies = budget();
    expect(bodies.take(bodies.open("a"), 100)).toBeNull();
    const b = bodies.open("b");
    expect(bodies.take(b, 50)).toBeNull();
    expect(bodies.take(b, 1)?.code).toBe("unavailable");
    expect(bodies.held()).toBe(150);
  });

  it("gives the bytes back when a read closes, and forgets an address once its last read has", () => {
    const bodies = budget();
    const first = bodies.open("a");
    const second = bodies.open("a");
    bodies.take(first, 60);
    bodies.take(second, 40);
    bodies.close(first, 60);
    expect([bodies.held("a"), bodies.held()]).toEqual([40, 40]);
    expect(bodies.take(bodies.open("a"), 60)).toBeNull();
    bodies.close(second, 40);
    expect(bodies.held()).toBe(60);
  });
});

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A request on a raw connection whose body is declared but held back: its answer, if any comes. */
interface HeldRequest {
  socket: Socket;
  /** Set once the server has answered and closed the connection. */
  answer: RawAnswer | null;
  /** Whether the connection ended in an error (a reset) rather than a close. */
  hasFailed: boolean;
}

/**
 * Opens a connection from `localAddress` and sends a POST declaring `bytes` of body (or chunked,
 * when `bytes` is null) and its first byte, then holds the rest back; `headers` are whole lines.
 */
async function holdBody(
  port: number,
  localAddress: string,
  path: string,
  bytes: number | null,
  headers = "",
): Promise<HeldRequest> {
  const socket = connect({ port, host: "127.0.0.1", localAddress, noDelay: true });
  sockets.push(socket);
  const held: HeldRequest = { socket, answer: null, hasFailed: false };
  let text = "";
  socket.setEncoding("utf8");
  socket.on("data", (chunk: string) => {
    text += chunk;
  });
  socket.on("error", () => {
    held.hasFailed = true;
  });
  socket.on("close", () => {
    if (text) held.answer = parseAnswer(text);
  });
  await new Promise((resolve) => socket.once("connect", resolve));
  const length =
    bytes === null ? "transfer-encoding: chunked" : `content-length: ${bytes.toString()}`;
  socket.write(
    `POST ${path} HTTP/1.1\r\nhost: rollcall.test\r\ncontent-type: application/json\r\n${headers}${length}\r\n\r\n${bytes === null ? "1\r\n{\r\n" : "{"}`,
  );
  return held;
}

function parseAnswer(text: string): RawAnswer {
  const [head = "", body = ""] = text.split("\r\n\r\n");
  const [statusLine = "", ...lines] = head.split("\r\n");
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine.split(" ")[1]), headers, body };
}

const answered = (held: HeldRequest[], status: number) =>
  held.filter((h) => h.answer?.status === status).length;

/** POST `body` to `path` from `localAddress`; the status and error code of the answer. */
function post(
  port: number,
  localAddress: string,
  path: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; code: string | null }> {
  return new Promise((resolve, reject) => {
    const req = request({
      port,
      host: "127.0.0.1",
      localAddress,
      method: "POST",
      path,
      agent: false,
      headers: { "content-type": "application/json", ...headers },
    });
    req.on("response", async (res) => {
      let text = "";
      res.setEncoding("utf8");
      for await (const chunk of res) text += chunk as string;
      const parsed = text ? (JSON.parse(text) as { error?: { code: string } }) : {};
      resolve({ status: res.statusCode ?? 0, code: parsed.error?.code ?? null });
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** A JSON body of exactly `bytes` that is not a tracker batch (answered 400 once read). */
function filler(bytes: number): string {
  return `{"x":"${"y".repeat(bytes - 8)}"}`;
}

/** The HTTP server over `POST /echo` (bodies up to 1 MB), with `limits`. */
async function startEcho(limits: Partial<HttpLimits>, trustProxy = false): Promise<number> {
  const router = new Router().on("POST", "/echo", async (ctx) => {
    sendJson(ctx.res, 200, { read: JSON.stringify(await readJson(ctx)).length });
  });
  server = createHttpServer(router, pino({ level: "silent" }), { limits, trustProxy });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

describe("request bodies in flight, per client address", () => {
  it(
    "refuses an address's bodies past its 16 MB with 429 and Retry-After, serves other addresses, and serves it again once they close",
    async () => {
      rollcall = await startTestRollcall();
      const { port } = rollcall;
      const fits = Math.floor(HTTP_LIMITS.bodyBytesPerAddress / TRACK_BODY_BYTES);
      const held: HeldRequest[] = [];
      for (let i = 0; i < fits + 10; i++) {
        held.push(await holdBody(port, "127.0.0.1", "/api/v1/track", TRACK_BODY_BYTES));
      }
      await expect.poll(() => answered(held, 429), WAIT).toBe(10);
      const refused = held.filter((h) => h.answer !== null);
      expect(refused.every((h) => !h.hasFailed)).toBe(true);
      expect(refused[0]!.answer).toMatchObject({
        headers: { "retry-after": "1", connection: "close" },
      });
      expect(JSON.parse(refused[0]!.answer!.body)).toMatchObject({
        error: { code: "rate_limited" },
      });
      // The ones that fit are still being read.
      expect(held.filter((h) => h.answer === null && !h.socket.destroyed)).toHaveLength(fits);

      const other = await post(port, "127.0.0.2", "/api/v1/track", filler(TRACK_BODY_BYTES));
      expect(other).toEqual({ status: 400, code: "invalid_body" });

      for (const h of held) h.socket.destroy();
      await expect
        .poll(() => post(port, "127.0.0.1", "/api/v1/track", filler(TRACK_BODY_BYTES)), WAIT)
        .toEqual({ status: 400, code: "invalid_body" });
    },
    SOCKET_TEST_MS,
  );

  it(
    "charges what each chunk costs: a body trickled a byte a chunk is refused before its bytes reach half the share",
    async () => {
      const share = 16_384;
      const port = await startEcho({ bodyBytesPerAddress: share });
      const held = await holdBody(port, "127.0.0.1", "/echo", null);
      let sent = 1;
      // The bytes alone never reach the share; with CHUNK_COST_BYTES a chunk, 32 chunks do.
      while (sent < share / 2 && held.answer === null && !held.socket.destroyed) {
        held.socket.write("1\r\n \r\n");
        sent++;
        await new Promise((resolve) =>
          sent % 8 === 0 ? setTimeout(resolve, 1) : setImmediate(resolve),
        );
      }
      await expect.poll(() => held.answer?.status, WAIT).toBe(429);
      expect(sent).toBeLessThan(share / 2);
      expect(CHUNK_COST_BYTES * 32).toBeGreaterThanOrEqual(share);
    },
    SOCKET_TEST_MS,
  );

  it(
    "behind a trusted proxy gives each forwarded client its own share",
    async () => {
      const port = await startEcho({ bodyBytesPerAddress: 100_000 }, true);
      // Every connection comes from the proxy (127.0.0.1); X-Forwarded-For names the client.
      const clientA: HeldRequest[] = [];
      for (let i = 0; i < 3; i++) {
        clientA.push(
          await holdBody(port, "127.0.0.1", "/echo", 60_000, "x-forwarded-for: 192.0.2.1\r\n"),
        );
      }
      await expect.poll(() => answered(clientA, 429), WAIT).toBe(2);
      expect(
        await post(port, "127.0.0.1", "/echo", filler(60_000), { "x-forwarded-for": "192.0.2.2" }),
      ).toEqual({ status: 200, code: null });
    },
    SOCKET_TEST_MS,
  );
});

describe("request bodies in flight, the whole process", () => {
  it(
    "refuses bodies past the process's budget with 503 and Retry-After, and still serves small ones",
    async () => {
      const perAddress = 4 * 1_048_576;
      const inFlight = 5 * 1_048_576;
      rollcall = await startTestRollcall({}, undefined, undefined, {
        httpLimits: { bodyBytesPerAddress: perAddress, bodyBytesInFlight: inFlight },
      });
      const { port } = rollcall;
      // Two fit in one address's 4 MB; the third is its own address's refusal.
      const first: HeldRequest[] = [];
      for (let i = 0; i < 3; i++) {
        first.push(await holdBody(port, "127.0.0.1", "/api/v1/track", TRACK_BODY_BYTES));
      }
      await expect.poll(() => answered(first, 429), WAIT).toBe(1);
      // A second address, well within its own share: one fits in the 5 MB, the next would not.
      const second: HeldRequest[] = [];
      for (let i = 0; i < 2; i++) {
        second.push(await holdBody(port, "127.0.0.2", "/api/v1/track", TRACK_BODY_BYTES));
      }
      await expect.poll(() => answered(second, 503), WAIT).toBe(1);
      const refused = second.find((h) => h.answer !== null)!;
      expect(refused.hasFailed).toBe(false);
      expect(refused.answer?.headers).toMatchObject({ "retry-after": "1", connection: "close" });
      expect(JSON.parse(refused.answer!.body)).toMatchObject({ error: { code: "unavailable" } });

      // Everyone else: requests without a body, and small bodies, are served.
      expect((await fetch(`${rollcall.url}/healthz`)).status).toBe(200);
      expect(await post(port, "127.0.0.3", "/api/v1/track", "{}")).toEqual({
        status: 400,
        code: "invalid_body",
      });
    },
    SOCKET_TEST_MS,
  );
});
