// Hostile peers at the tracker socket of the built server, in its own process: fragment bombs, ping
// floods, slow and silent senders. Each is cut off; memory stays bounded; everyone else is served.
import { mkdtempSync, rmSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROTOCOL_VERSION } from "@rollcall/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUserToken, signViewerToken } from "../auth/token-signer.js";
import { MemorySampler, residentMemory } from "../testing/process-memory.js";
import {
  freePort,
  requireBuiltServer,
  type ServerProcess,
  startServerProcess,
} from "../testing/server-process.js";
import { TRACKER_SOCKET_PATH } from "./tracker-socket.js";

const SECRET = "attack-test-secret-0123456789";
const MB = 1_048_576;
/*
 * Bounds, generous for 2 busy cores: the server starts at ~150 MB; `ws` cuts a fragment bomb
 * after 16 fragments and a ping flood after its frame allowance, so an attack costs the server a
 * few MB. Before, four fragment bombs took it from 184 MB to 2.5 GB and 50 ping flooders stalled
 * it for 4–7 s.
 */
const MAX_RSS_GROWTH = 100 * MB;
/** A viewer's GET /presence while an attack runs (the product's promise is a second, idle). */
const MAX_PRESENCE_MS = 5_000;
/** How long a hostile socket may live before the server has cut it. */
const CUT_WITHIN_MS = 20_000;

let server: ServerProcess;
let dataDir: string;
let viewerToken: string;
let port: number;

beforeAll(async () => {
  requireBuiltServer();
  dataDir = mkdtempSync(join(tmpdir(), "rollcall-attacks-"));
  port = await freePort();
  server = await startServerProcess({ port, dataDir, secret: SECRET });
  viewerToken = await signViewerToken({ sub: "watcher", role: "owner" }, sign());
});
afterAll(async () => {
  if (server && server.child.exitCode === null && server.child.signalCode === null) {
    server.child.kill("SIGKILL");
    await server.exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

function sign() {
  return { secret: SECRET, ttlSeconds: 600 };
}

/** A raw TCP client that has completed the WebSocket handshake: bytes in, bytes out, no rules. */
interface RawSocket {
  socket: Socket;
  /** Resolves when the server has ended or reset the TCP connection. */
  ended: Promise<void>;
  /** Everything the server sent after the 101 answer. */
  received(): Buffer;
}

async function openRaw(): Promise<RawSocket> {
  const socket = connect(port, "127.0.0.1");
  socket.on("error", () => undefined);
  let buffered = Buffer.alloc(0);
  let isUpgraded = false;
  const ended = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  const upgraded = new Promise<void>((resolve, reject) => {
    socket.on("data", (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (isUpgraded) return;
      const end = buffered.indexOf("\r\n\r\n");
      if (end < 0) return;
      const head = buffered.subarray(0, end).toString();
      if (!head.startsWith("HTTP/1.1 101")) reject(new Error(`no upgrade: ${head}`));
      buffered = buffered.subarray(end + 4);
      isUpgraded = true;
      resolve();
    });
    socket.once("close", () => reject(new Error("closed before the upgrade")));
  });
  socket.write(
    `GET ${TRACKER_SOCKET_PATH} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n` +
      "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
      "Sec-WebSocket-Version: 13\r\n\r\n",
  );
  await upgraded;
  return { socket, ended, received: () => buffered };
}

/** A masked client frame (zero mask: the payload goes as it is). */
function clientFrame(opcode: number, payload: Buffer, isFinal = true): Buffer {
  const header =
    payload.length < 126 ? Buffer.alloc(6) : Buffer.alloc(8, 0) /* 16-bit length + mask */;
  header[0] = (isFinal ? 0x80 : 0) | opcode;
  if (payload.length < 126) {
    header[1] = 0x80 | payload.length;
  } else {
    header[1] = 0x80 | 126;
    header.writeUInt16BE(payload.length, 2);
  }
  return Buffer.concat([header, payload]);
}

/** The close code of the first close frame the server sent (unmasked), or null. */
function closeCodeIn(bytes: Buffer): number | null {
  let at = 0;
  while (at + 2 <= bytes.length) {
    const opcode = (bytes[at] as number) & 0x0f;
    let length = (bytes[at + 1] as number) & 0x7f;
    let headerBytes = 2;
    if (length === 126) {
      length = bytes.readUInt16BE(at + 2);
      headerBytes = 4;
    }
    if (opcode === 0x8 && length >= 2) return bytes.readUInt16BE(at + headerBytes);
    at += headerBytes + length;
  }
  return null;
}

/** Writes `frame` again and again, honouring backpressure, until the socket ends or `total` bytes. */
async function pour(raw: RawSocket, frame: Buffer, total: number): Promise<number> {
  let written = 0;
  let isEnded = false;
  raw.ended.then(() => {
    isEnded = true;
  });
  const batch = Buffer.concat(
    Array.from({ length: Math.ceil(65_536 / frame.length) }, () => frame),
  );
  while (!isEnded && written < total) {
    const isFull = !raw.socket.write(batch);
    written += batch.length;
    if (isFull) {
      await Promise.race([
        new Promise((resolve) => raw.socket.once("drain", resolve)),
        raw.ended,
        new Promise((resolve) => setTimeout(resolve, 1_000)),
      ]);
    }
  }
  return written;
}

function withinMs<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
    }),
  ]);
}

/** Asks GET /presence every 200 ms while `attack` runs; returns the slowest answer, in ms. */
async function slowestPresenceDuring(attack: Promise<unknown>): Promise<number> {
  let isDone = false;
  const finished = attack.finally(() => {
    isDone = true;
  });
  let slowest = 0;
  while (!isDone) {
    const started = performance.now();
    const response = await fetch(`${server.url}/api/v1/presence?limit=5`, {
      headers: { authorization: `Bearer ${viewerToken}` },
      signal: AbortSignal.timeout(30_000),
    });
    expect(response.status).toBe(200);
    await response.json();
    slowest = Math.max(slowest, performance.now() - started);
    await Promise.race([finished, new Promise((resolve) => setTimeout(resolve, 200))]);
  }
  await finished;
  return slowest;
}

describe("tracker socket under attack", () => {
  it("cuts a fragment bomb from four sockets after a few fragments, with memory bounded", async () => {
    const before = residentMemory(server.child.pid!).rss;
    const sampler = new MemorySampler(server.child.pid!, 50);
    const emptyContinuation = clientFrame(0x0, Buffer.alloc(0), false);
    const bombs = await Promise.all(Array.from({ length: 4 }, () => openRaw()));
    const attack = Promise.all(
      bombs.map(async (raw) => {
        raw.socket.write(clientFrame(0x1, Buffer.from("{"), false));
        // 30 MB each: what took the server from 184 MB to 2.5 GB before.
        await pour(raw, emptyContinuation, 30 * MB);
        await withinMs(raw.ended, CUT_WITHIN_MS, "fragment bomb cut");
      }),
    );
    const slowest = await slowestPresenceDuring(attack);
    const peak = sampler.stop();
    for (const raw of bombs) expect(closeCodeIn(raw.received())).toBe(1008);
    expect(peak - before).toBeLessThan(MAX_RSS_GROWTH);
    expect(slowest).toBeLessThan(MAX_PRESENCE_MS);
  });

  it("cuts 50 sockets that flood pings and never read, and goes on answering viewers", async () => {
    const before = residentMemory(server.child.pid!).rss;
    const sampler = new MemorySampler(server.child.pid!, 50);
    const ping = clientFrame(0x9, Buffer.alloc(125, 0x61));
    const flooders = await Promise.all(Array.from({ length: 50 }, () => openRaw()));
    const attack = Promise.all(
      flooders.map(async (raw) => {
        raw.socket.pause(); // never reads: its pongs pile up on the server's side
        await pour(raw, ping, 20 * MB);
        await withinMs(raw.ended, CUT_WITHIN_MS, "ping flooder cut");
      }),
    );
    const slowest = await slowestPresenceDuring(attack);
    const peak = sampler.stop();
    expect(peak - before).toBeLessThan(MAX_RSS_GROWTH);
    expect(slowest).toBeLessThan(MAX_PRESENCE_MS);
  });

  it("cuts 1,900 sockets of one address announcing 60 KB messages at once, holding none of them", async () => {
    const before = residentMemory(server.child.pid!).rss;
    const sampler = new MemorySampler(server.child.pid!, 50);
    // A frame announcing 60 KB (over the 16 KB limit), of which all but 1 KB is sent.
    const announced = clientFrame(0x1, Buffer.alloc(60 * 1024, 0x20));
    const partial = announced.subarray(0, announced.length - 1024);
    const sockets: RawSocket[] = [];
    for (let batch = 0; batch < 19; batch++) {
      const opened = await Promise.all(Array.from({ length: 100 }, () => openRaw()));
      for (const raw of opened) raw.socket.write(partial);
      sockets.push(...opened);
    }
    // Before, each kept what it had sent, up to 64 KB: 1,900 of them about 110 MB for 10 s.
    const slowest = await slowestPresenceDuring(
      Promise.all(sockets.map((raw) => withinMs(raw.ended, CUT_WITHIN_MS, "socket cut"))),
    );
    const peak = sampler.stop();
    expect(peak - before).toBeLessThan(MAX_RSS_GROWTH);
    expect(slowest).toBeLessThan(MAX_PRESENCE_MS);
    for (const raw of sockets) expect(closeCodeIn(raw.received())).toBe(1009);
  });

  it("closes a socket that never says hello with 4408, and one that trickles a frame on heartbeat timeout", async () => {
    // The server process runs with a 2 s heartbeat: silence is cut after 4 s, no hello after 10 s.
    const silent = await openRaw();
    const trickler = await openRaw();
    const token = await signUserToken({ sub: "trickler" }, sign());
    trickler.socket.write(
      clientFrame(
        0x1,
        Buffer.from(
          JSON.stringify({
            t: "hello",
            v: PROTOCOL_VERSION,
            token,
            tab: "tab-trickle-01",
            page: { path: "/", title: "" },
            visible: true,
          }),
        ),
      ),
    );
    // A heartbeat one byte at a time, a byte every 500 ms: never a whole frame.
    const heartbeat = clientFrame(0x1, Buffer.from('{"t":"hb"}'));
    let at = 0;
    const drip = setInterval(() => {
      if (at < heartbeat.length - 1) trickler.socket.write(heartbeat.subarray(at, ++at));
    }, 500);
    try {
      await withinMs(silent.ended, CUT_WITHIN_MS, "silent socket cut");
      await withinMs(trickler.ended, CUT_WITHIN_MS, "trickling socket cut");
    } finally {
      clearInterval(drip);
    }
    expect(closeCodeIn(silent.received())).toBe(4408);
    expect(closeCodeIn(trickler.received())).toBe(4408);
  });

  it("refuses a binary frame, even one holding a heartbeat, with an error and 4400", async () => {
    const raw = await openRaw();
    const token = await signUserToken({ sub: "binary" }, sign());
    const hello = {
      t: "hello",
      v: PROTOCOL_VERSION,
      token,
      tab: "tab-binary-001",
      page: { path: "/", title: "" },
      visible: true,
    };
    raw.socket.write(clientFrame(0x1, Buffer.from(JSON.stringify(hello))));
    await withinMs(
      (async () => {
        while (!raw.received().includes('"welcome"')) {
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })(),
      CUT_WITHIN_MS,
      "welcome",
    );
    raw.socket.write(clientFrame(0x2, Buffer.from('{"t":"hb"}')));
    await withinMs(raw.ended, CUT_WITHIN_MS, "binary sender cut");
    expect(raw.received().toString()).toContain('"code":"bad_request"');
    expect(closeCodeIn(raw.received())).toBe(4400);
  });

  it("is still up and serving after every attack", async () => {
    expect(server.child.exitCode).toBeNull();
    const response = await fetch(`${server.url}/api/v1/presence`, {
      headers: { authorization: `Bearer ${viewerToken}` },
    });
    expect(response.status).toBe(200);
  });
});
