// The HTTP server's edge against real sockets: connections per address, slow senders, oversized and odd requests.
import { type IncomingMessage, request, type Server } from "node:http";
import { type AddressInfo, connect, type Socket } from "node:net";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { startTestRollcall } from "../testing/test-rollcall.js";
import { readJson, sendJson } from "./http-io.js";
import type { HttpLimits } from "./http-limits.js";
import { createHttpServer } from "./http-server.js";
import { Router } from "./router.js";

/** Bodies over this many bytes are refused. */
const BODY_LIMIT = 64;

let server: Server | null = null;
const sockets: Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = null;
});

/** The HTTP server over a router with `POST /echo` (a JSON body of at most 64 bytes) and `GET /`. */
async function start(limits: Partial<HttpLimits> = {}): Promise<number> {
  const router = new Router();
  router.on("POST", "/echo", async (ctx) => {
    sendJson(ctx.res, 200, await readJson(ctx, BODY_LIMIT));
  });
  router.on("GET", "/", ({ res }) => sendJson(res, 200, { ok: true }));
  server = createHttpServer(router, pino({ level: "silent" }), { limits });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

interface Answer {
  status: number;
  connection: string | undefined;
  body: string;
}

/** The whole response: status, its Connection header and body. */
async function readAnswer(res: IncomingMessage): Promise<Answer> {
  let body = "";
  res.setEncoding("utf8");
  for await (const chunk of res) body += chunk as string;
  return { status: res.statusCode ?? 0, connection: res.headers.connection, body };
}

/** GET / over a fresh connection from `localAddress`; "closed" when no answer came. */
function getRoot(port: number, localAddress = "127.0.0.1"): Promise<Answer | "closed"> {
  return new Promise((resolve) => {
    const req = request({ port, host: "127.0.0.1", localAddress, path: "/", agent: false });
    req.on("response", (res) => readAnswer(res).then(resolve));
    req.on("error", () => resolve("closed"));
    req.end();
  });
}

/** A raw TCP connection that has connected, kept for afterEach to close. */
async function openSocket(port: number, localAddress = "127.0.0.1"): Promise<Socket> {
  const socket = connect({ port, host: "127.0.0.1", localAddress });
  socket.on("error", () => undefined);
  sockets.push(socket);
  await new Promise((resolve) => socket.once("connect", resolve));
  return socket;
}

/**
 * What the server sent on `socket` until it closed it, or "open" if it is still open after `ms`;
 * `afterMs` counts from `startedAt`, taken before the socket was opened so that a pause of the
 * test between the server's accept and this call never makes a timeout look early.
 */
function untilClosed(
  socket: Socket,
  ms: number,
  startedAt = performance.now(),
): Promise<{ text: string; afterMs: number } | "open"> {
  let text = "";
  socket.setEncoding("utf8");
  socket.on("data", (chunk: string) => {
    text += chunk;
  });
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve("open"), ms);
    socket.once("close", () => {
      clearTimeout(timer);
      resolve({ text, afterMs: performance.now() - startedAt });
    });
  });
}

function waitMs(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe("HTTP server: bodies", () => {
  it("answers a chunked body over the limit with 413 payload_too_large, then closes the connection", async () => {
    const port = await start();
    const answer = await new Promise<Answer | string>((resolve) => {
      const req = request({
        port,
        host: "127.0.0.1",
        method: "POST",
        path: "/echo",
        headers: { "content-type": "application/json" },
      });
      req.on("response", (res) => readAnswer(res).then(resolve));
      req.on("error", (error) => resolve(`error ${error.message}`));
      // A body that never ends, sent as fast as the connection takes it, up to 20 MB.
      const chunk = "x".repeat(16_384);
      let sent = 0;
      const pump = () => {
        while (sent < 20_000_000 && !req.destroyed) {
          sent += chunk.length;
          if (!req.write(chunk)) {
            req.once("drain", pump);
            return;
          }
        }
      };
      req.write('{"a":"');
      pump();
    });
    expect(answer).toEqual({
      status: 413,
      connection: "close",
      body: JSON.stringify({
        error: { code: "payload_too_large", message: `body is over ${BODY_LIMIT} bytes` },
      }),
    });
    expect(await getRoot(port)).toMatchObject({ status: 200 });
  });

  it("takes a JSON body whatever the case of its media type and parameters", async () => {
    const port = await start();
    for (const type of ["APPLICATION/JSON; Charset=UTF-8", "Application/Json", "TEXT/plain"]) {
      const res = await fetch(`http://127.0.0.1:${port}/echo`, {
        method: "POST",
        headers: { "content-type": type },
        body: '{"ok":1}',
      });
      expect([type, res.status, await res.text()]).toEqual([type, 200, '{"ok":1}']);
    }
    const refused = await fetch(`http://127.0.0.1:${port}/echo`, {
      method: "POST",
      headers: { "content-type": "application/xml" },
      body: '{"ok":1}',
    });
    expect(refused.status).toBe(400);
  });
});

describe("HTTP server: connections per address", () => {
  it("refuses a connection over the cap with a JSON 429 and serves other addresses, then serves again once one closes", async () => {
    const port = await start({ connectionsPerAddress: 3 });
    const held = [
      await openSocket(port, "127.0.0.2"),
      await openSocket(port, "127.0.0.2"),
      await openSocket(port, "127.0.0.2"),
    ];
    const refused = await getRoot(port, "127.0.0.2");
    expect(refused).not.toBe("closed");
    if (refused === "closed") return;
    expect(refused.status).toBe(429);
    expect(refused.connection).toBe("close");
    expect(JSON.parse(refused.body)).toMatchObject({ error: { code: "rate_limited" } });
    expect(await getRoot(port, "127.0.0.3")).toMatchObject({ status: 200 });
    held[0]!.destroy();
    // The slot is given back once the server sees the close.
    let answer: Answer | "closed" = "closed";
    for (let i = 0; i < 200; i++) {
      answer = await getRoot(port, "127.0.0.2");
      if (answer !== "closed" && answer.status === 200) break;
      await waitMs(25);
    }
    expect(answer).toMatchObject({ status: 200 });
  });

  it("does not count the connections of a trusted proxy: every client comes through it", async () => {
    const router = new Router().on("GET", "/", ({ res }) => sendJson(res, 200, { ok: true }));
    server = createHttpServer(router, pino({ level: "silent" }), {
      trustProxy: true,
      limits: { connectionsPerAddress: 2 },
    });
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    await openSocket(port, "127.0.0.2");
    await openSocket(port, "127.0.0.2");
    expect(await getRoot(port, "127.0.0.2")).toMatchObject({ status: 200 });
  });
});

describe("HTTP server: slow and idle clients", () => {
  // Lowered from 20 s / 60 s / 65 s; the bounds below leave a busy machine seconds of slack.
  const limits = {
    headersTimeoutMs: 600,
    requestTimeoutMs: 1_500,
    keepAliveTimeoutMs: 800,
    timeoutCheckEveryMs: 100,
  };

  it("cuts a client that sends its headers a byte at a time with a 408, and serves others meanwhile", async () => {
    const port = await start(limits);
    const openedAt = performance.now();
    const slow = await openSocket(port);
    const closed = untilClosed(slow, 15_000, openedAt);
    const header = "GET / HTTP/1.1\r\nHost: rollcall.test\r\nX-Slow: ";
    let sent = 0;
    const drip = setInterval(() => {
      if (!slow.destroyed) slow.write(header[sent++ % header.length]!);
    }, 50);
    try {
      expect(await getRoot(port)).toMatchObject({ status: 200 });
      const result = await closed;
      expect(result).not.toBe("open");
      if (result === "open") return;
      expect(result.text).toMatch(/^HTTP\/1\.1 408 /);
      expect(result.text).toContain('"code":"request_timeout"');
      expect(result.afterMs).toBeGreaterThanOrEqual(limits.headersTimeoutMs - 50);
    } finally {
      clearInterval(drip);
    }
  });

  it("cuts a client that sends its body a byte at a time once the whole request is overdue", async () => {
    const port = await start(limits);
    const openedAt = performance.now();
    const slow = await openSocket(port);
    const closed = untilClosed(slow, 15_000, openedAt);
    slow.write(
      "POST /echo HTTP/1.1\r\nHost: rollcall.test\r\ncontent-type: application/json\r\ncontent-length: 60\r\n\r\n",
    );
    const drip = setInterval(() => {
      if (!slow.destroyed) slow.write(" ");
    }, 50);
    try {
      const result = await closed;
      expect(result).not.toBe("open");
      if (result === "open") return;
      expect(result.text).toMatch(/^HTTP\/1\.1 408 /);
      expect(result.afterMs).toBeGreaterThanOrEqual(limits.requestTimeoutMs - 50);
    } finally {
      clearInterval(drip);
    }
  });

  it("closes a connection that never sends a byte once the headers are overdue", async () => {
    const port = await start(limits);
    const openedAt = performance.now();
    const result = await untilClosed(await openSocket(port), 15_000, openedAt);
    expect(result).not.toBe("open");
    if (result === "open") return;
    expect(result.afterMs).toBeGreaterThanOrEqual(limits.headersTimeoutMs - 50);
  });

  it("closes an idle keep-alive connection after the keep-alive timeout", async () => {
    const port = await start(limits);
    const socket = await openSocket(port);
    const closed = untilClosed(socket, 15_000);
    socket.write("GET / HTTP/1.1\r\nHost: rollcall.test\r\n\r\n");
    const result = await closed;
    expect(result).not.toBe("open");
    if (result === "open") return;
    expect(result.text).toMatch(/^HTTP\/1\.1 200 /);
    expect(result.afterMs).toBeGreaterThanOrEqual(limits.keepAliveTimeoutMs - 50);
  });
});

describe("HTTP server: broken clients", () => {
  it("answers a malformed request with a JSON 400 and closes the connection", async () => {
    const port = await start();
    const socket = await openSocket(port);
    const closed = untilClosed(socket, 10_000);
    socket.write("NOT HTTP AT ALL\r\n\r\n");
    const result = await closed;
    expect(result).not.toBe("open");
    if (result === "open") return;
    expect(result.text).toMatch(/^HTTP\/1\.1 400 /);
    expect(result.text).toContain('"code":"bad_request"');
  });

  it("answers headers over Node's size limit with a JSON 431", async () => {
    const port = await start();
    const socket = await openSocket(port);
    const closed = untilClosed(socket, 10_000);
    socket.write(`GET / HTTP/1.1\r\nHost: rollcall.test\r\nX-Big: ${"y".repeat(20_000)}\r\n\r\n`);
    const result = await closed;
    expect(result).not.toBe("open");
    if (result === "open") return;
    expect(result.text).toMatch(/^HTTP\/1\.1 431 /);
  });
});

describe("HTTP server: sockets that fail", () => {
  it("stays up when clients reset their connection right after an upgrade it refuses", async () => {
    // Node takes its error listener off a socket it hands to the upgrade handler: a write to the
    // reset socket there failed with nobody listening, which ended the process (an uncaught
    // exception fails this run).
    const rollcall = await startTestRollcall();
    try {
      for (let i = 0; i < 100; i++) {
        const socket = await openSocket(rollcall.port);
        socket.write(
          `GET /not-a-socket HTTP/1.1\r\nHost: rollcall.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n${"x".repeat(100_000)}`,
        );
        socket.resetAndDestroy();
      }
      await waitMs(200);
      expect((await fetch(`${rollcall.url}/healthz`)).status).toBe(200);
    } finally {
      await rollcall.stop();
    }
  });
});
