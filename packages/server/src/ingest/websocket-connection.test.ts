// The WebSocket layer under the tracker socket, spoken to by the `ws` client and by raw TCP.
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import { connect, type Socket } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { WebSocketConnection } from "./websocket-connection.js";
import { completeHandshake, handshakeProblem } from "./websocket-handshake.js";

const MAX_PAYLOAD = 1_024;

interface Seen {
  messages: Array<{ text: string; isBinary: boolean }>;
  closedWith: Promise<number>;
}

let server: Server;
let port: number;
/** What the server side saw, per accepted connection, in order. */
let accepted: Seen[];
/** Set by a test: what the server does with each message (default: echo it). */
let onMessage: (connection: WebSocketConnection, text: string) => void;

beforeEach(async () => {
  accepted = [];
  onMessage = (connection, text) => connection.send(`echo:${text}`);
  server = createServer((_req, res) => res.end());
  server.on("upgrade", (req, socket, head) => {
    const problem = handshakeProblem(req);
    if (problem) {
      socket.end(`HTTP/1.1 400 Bad Request\r\ncontent-length: ${problem.length}\r\n\r\n${problem}`);
      return;
    }
    completeHandshake(req, socket);
    const connection = new WebSocketConnection(socket as Socket, MAX_PAYLOAD);
    let closed = (_code: number) => {};
    const seen: Seen = {
      messages: [],
      closedWith: new Promise((resolve) => {
        closed = resolve;
      }),
    };
    accepted.push(seen);
    connection.start(
      {
        message(data, isBinary) {
          seen.messages.push({ text: data.toString(), isBinary });
          onMessage(connection, data.toString());
        },
        closed,
      },
      head,
    );
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  port = (server.address() as { port: number }).port;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function openClient(): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
  await once(ws, "open");
  return ws;
}

function nextMessage(ws: WebSocket): Promise<string> {
  return new Promise((resolve) => ws.once("message", (data) => resolve(data.toString())));
}

function closeOf(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) =>
    ws.once("close", (code, reason) => resolve({ code, reason: reason.toString() })),
  );
}

/** A raw TCP client past the handshake, for frames the `ws` client will not send. */
async function openRaw(): Promise<{ socket: Socket; received: () => Buffer }> {
  const socket = connect(port, "127.0.0.1");
  await once(socket, "connect");
  socket.write(
    "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
  );
  let bytes = Buffer.alloc(0);
  socket.on("data", (chunk: Buffer) => {
    bytes = Buffer.concat([bytes, chunk]);
  });
  while (!bytes.includes("\r\n\r\n")) await once(socket, "data");
  const headerEnd = bytes.indexOf("\r\n\r\n") + 4;
  expect(bytes.subarray(0, headerEnd).toString()).toContain(
    // RFC 6455's own example key and answer.
    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=",
  );
  return { socket, received: () => bytes.subarray(headerEnd) };
}

/** A client frame: masked unless told otherwise. */
function clientFrame(
  opcode: number,
  payload: Buffer,
  { isFinal = true, isMasked = true, claimedLength = payload.length } = {},
): Buffer {
  const length =
    claimedLength < 126
      ? Buffer.from([claimedLength | (isMasked ? 0x80 : 0)])
      : Buffer.from([127 | (isMasked ? 0x80 : 0), 0, 0, 0, 0, 0, 0, 0, 0]);
  if (claimedLength >= 126) length.writeUInt32BE(claimedLength, 5);
  const mask = Buffer.from([0x12, 0x34, 0x56, 0x78]);
  const body = Buffer.from(
    payload.map((byte, i) => (isMasked ? byte ^ (mask[i % 4] as number) : byte)),
  );
  return Buffer.concat([
    Buffer.from([(isFinal ? 0x80 : 0) | opcode]),
    length,
    isMasked ? mask : Buffer.alloc(0),
    body,
  ]);
}

/** The close code in the first server frame, once the server has ended the connection. */
async function serverCloseCode(raw: { socket: Socket; received: () => Buffer }): Promise<number> {
  if (!raw.socket.readableEnded) await once(raw.socket, "end");
  const frame = raw.received();
  expect(frame[0]).toBe(0x88);
  return frame.readUInt16BE(2);
}

describe("WebSocketConnection", () => {
  it("delivers text messages in order, including several in one read and one split byte by byte", async () => {
    const raw = await openRaw();
    raw.socket.write(
      Buffer.concat([clientFrame(1, Buffer.from("one")), clientFrame(1, Buffer.from("two"))]),
    );
    const third = clientFrame(1, Buffer.from("three ünïcödé"));
    for (const byte of third) {
      raw.socket.write(Buffer.from([byte]));
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    // A 64-bit length split inside the length, inside the mask and inside the payload.
    const fourth = clientFrame(1, Buffer.from("4".repeat(300)), { claimedLength: 300 });
    for (const [from, to] of [
      [0, 5],
      [5, 12],
      [12, 100],
      [100, fourth.length],
    ]) {
      raw.socket.write(fourth.subarray(from, to));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await expect.poll(() => accepted[0]?.messages.length).toBe(4);
    expect(accepted[0]?.messages.map((m) => m.text)).toEqual([
      "one",
      "two",
      "three ünïcödé",
      "4".repeat(300),
    ]);
    raw.socket.destroy();
  });

  it("joins a fragmented message and answers pings, as a browser's client would use them", async () => {
    const ws = await openClient();
    ws.send("frag", { fin: false });
    ws.send("men", { fin: false });
    ws.send("ted", { fin: true });
    expect(await nextMessage(ws)).toBe("echo:fragmented");
    const pong = once(ws, "pong");
    ws.ping("are you there");
    expect((await pong)[0].toString()).toBe("are you there");
    ws.close();
  });

  it("sends messages of every length encoding", async () => {
    onMessage = (connection, text) => connection.send("x".repeat(Number(text)));
    const ws = await openClient();
    for (const length of [0, 125, 126, 65_535, 65_536, 200_000]) {
      const received = nextMessage(ws);
      ws.send(String(length));
      expect((await received).length).toBe(length);
    }
    ws.close();
  });

  it("echoes the client's close code, ends the connection and reports the code", async () => {
    const ws = await openClient();
    const closed = closeOf(ws);
    ws.close(4000, "leaving");
    expect(await closed).toEqual({ code: 4000, reason: "leaving" });
    expect(await accepted[0]?.closedWith).toBe(4000);
  });

  it("closes with the code and reason it is given, and reports 1006 when the client just vanishes", async () => {
    onMessage = (connection) => connection.close(4408, "no hello in time");
    const ws = await openClient();
    const closed = closeOf(ws);
    ws.send("hi");
    expect(await closed).toEqual({ code: 4408, reason: "no hello in time" });

    const raw = await openRaw();
    raw.socket.destroy();
    expect(await accepted[1]?.closedWith).toBe(1006);
  });

  it("closes with 1002 on an unmasked frame, an unknown opcode or a stray continuation", async () => {
    for (const bad of [
      clientFrame(1, Buffer.from("hi"), { isMasked: false }),
      clientFrame(5, Buffer.from("hi")),
      clientFrame(0, Buffer.from("hi")),
    ]) {
      const raw = await openRaw();
      raw.socket.write(bad);
      expect(await serverCloseCode(raw)).toBe(1002);
      raw.socket.destroy();
    }
    expect(accepted.every((seen) => seen.messages.length === 0)).toBe(true);
  });

  it("closes with 1007 on a text message that is not UTF-8", async () => {
    const raw = await openRaw();
    raw.socket.write(clientFrame(1, Buffer.from([0x7b, 0xed, 0xa0, 0x80, 0x7d])));
    expect(await serverCloseCode(raw)).toBe(1007);
    expect(accepted[0]?.messages).toEqual([]);
    raw.socket.destroy();
  });

  it("closes with 1009 on a message over the limit as soon as its header says so", async () => {
    const raw = await openRaw();
    // Only the header of a 1 GB frame: refused without waiting for (or holding) its bytes.
    raw.socket.write(clientFrame(1, Buffer.alloc(0), { claimedLength: 1_000_000_000 }));
    expect(await serverCloseCode(raw)).toBe(1009);
    raw.socket.destroy();

    const ws = await openClient();
    const closed = closeOf(ws);
    ws.send("a".repeat(600), { fin: false });
    ws.send("b".repeat(600), { fin: true });
    expect((await closed).code).toBe(1009);
  });

  it("passes binary messages on as binary", async () => {
    const ws = await openClient();
    ws.send(Buffer.from([1, 2, 3]));
    await expect.poll(() => accepted[0]?.messages[0]?.isBinary).toBe(true);
    ws.close();
  });
});

describe("handshakeProblem", () => {
  it("names what is wrong with an upgrade request", async () => {
    const ask = async (headers: string) => {
      const socket = connect(port, "127.0.0.1");
      socket.write(`GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\n${headers}\r\n`);
      let answer = "";
      socket.on("data", (chunk) => {
        answer += chunk.toString();
      });
      await once(socket, "end");
      socket.destroy();
      return answer;
    };
    expect(await ask("Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n")).toContain(
      "invalid Sec-WebSocket-Key",
    );
    expect(
      await ask("Upgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"),
    ).toContain("Sec-WebSocket-Version");
    expect(
      await ask(
        "Upgrade: h2c\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n",
      ),
    ).toContain('"websocket"');
  });
});
