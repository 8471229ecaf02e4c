// The built server with its open-files table full of idle connections: it stays up and serves again.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { freePort, type ServerProcess, startServerProcess } from "../testing/server-process.js";

const SECRET = "open-files-test-secret-0123456789";
/** The server's open-files limit: its own files take ~40 of them, connections the rest. */
const OPEN_FILES = 256;
/** Connections opened at most to fill the table: the limit, and as many again. */
const MAX_FILLERS = 2 * OPEN_FILES;

let server: ServerProcess | null = null;
let dataDir = "";
const sockets: Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  if (server && server.child.exitCode === null) {
    server.child.kill("SIGKILL");
    await server.exited;
  }
  server = null;
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** A connection from loopback that has connected (the kernel completes it even before an accept). */
async function openSocket(port: number): Promise<Socket> {
  const socket = connect({ port, host: "127.0.0.1" });
  socket.on("error", () => undefined);
  sockets.push(socket);
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 5_000);
    socket.once("connect", () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once("close", () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return socket;
}

/** Sends one request on `socket` and resolves with the response's status line, or "closed". */
function ask(socket: Socket, path: string, timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    const done = (answer: string) => {
      clearTimeout(timer);
      socket.off("data", onData);
      socket.off("close", onClose);
      resolve(answer);
    };
    const onData = (chunk: Buffer) => {
      text += chunk.toString("latin1");
      const end = text.indexOf("\r\n");
      if (end >= 0) done(text.slice(0, end));
    };
    const onClose = () => done("closed");
    const timer = setTimeout(() => done("no answer"), timeoutMs);
    socket.on("data", onData);
    socket.once("close", onClose);
    // No Accept-Encoding: the plain file is what a full table once failed to open.
    socket.write(`GET ${path} HTTP/1.1\r\nHost: rollcall.test\r\n\r\n`);
  });
}

function waitMs(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe.skipIf(process.platform !== "linux")("open-files limit (reads /proc: Linux only)", () => {
  it("stays up with its file table full of idle connections, and serves files again once they close", async () => {
    dataDir = mkdtempSync(join(tmpdir(), "rollcall-open-files-"));
    const port = await freePort();
    server = await startServerProcess({ port, dataDir, secret: SECRET, openFiles: OPEN_FILES });
    const pid = server.child.pid;
    if (pid === undefined) throw new Error("no server pid");
    const openFiles = () => readdirSync(`/proc/${pid}/fd`).length;

    // Made while the table has room, kept alive by a first request (idle, it would be cut at 20 s).
    const early = await openSocket(port);
    expect(await ask(early, "/healthz")).toMatch(/^HTTP\/1\.1 200/);

    // Each filler sends a request too, so that it is held as an idle keep-alive connection (65 s)
    // rather than cut when its headers are overdue; the server never reads those past the limit.
    const deadline = Date.now() + 60_000;
    for (let i = 0; i < MAX_FILLERS && Date.now() < deadline; i++) {
      if (openFiles() >= OPEN_FILES) break;
      const filler = await openSocket(port);
      filler.write("GET /healthz HTTP/1.1\r\nHost: rollcall.test\r\n\r\n");
    }
    // libuv keeps one descriptor in reserve and spends it to turn away connections it cannot take.
    for (let i = 0; i < 200 && openFiles() < OPEN_FILES - 1; i++) await waitMs(50);
    expect(openFiles()).toBeGreaterThanOrEqual(OPEN_FILES - 1);

    // The file was never read since the start: serving it needs a descriptor there is none of.
    const answer = await ask(early, "/tracker.js");
    expect(answer).toMatch(/^HTTP\/1\.1 (503|200)/);
    await waitMs(200);
    expect(server.child.exitCode).toBeNull();
    expect(await ask(early, "/healthz")).toMatch(/^HTTP\/1\.1 200/);

    for (const socket of sockets.splice(0)) socket.destroy();
    let status = 0;
    for (let i = 0; i < 200 && status !== 200; i++) {
      status = await fetch(`${server.url}/tracker.js`).then(
        (res) => res.body?.cancel().then(() => res.status) ?? res.status,
        () => 0,
      );
      if (status !== 200) await waitMs(100);
    }
    expect(status).toBe(200);
    expect(server.child.exitCode).toBeNull();
  }, 120_000);
});
