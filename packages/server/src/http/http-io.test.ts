import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { AppError } from "../errors/app-error.js";
import { BodyBudget } from "./body-budget.js";
import { readJson } from "./http-io.js";
import { HTTP_LIMITS } from "./http-limits.js";

/** A server answering each body read by readJson (limit 64 bytes) with what it read or refused. */
async function echoServer(outcomes: string[]): Promise<{ server: Server; port: number }> {
  const bodies = new BodyBudget(HTTP_LIMITS, (req) => req.socket.remoteAddress ?? "unknown");
  const server = createServer(async (req, res) => {
    try {
      const value = await readJson({ req, res, bodies }, 64);
      outcomes.push(`read ${JSON.stringify(value)}`);
      res.end(JSON.stringify(value));
    } catch (error) {
      outcomes.push(error instanceof AppError ? error.code : `error ${(error as Error).message}`);
      if (!res.destroyed) res.writeHead(error instanceof AppError ? error.status : 500).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

/** Posts `parts` as a chunked body (no content-length), a tick apart; resolves with the status. */
function postChunks(port: number, parts: string[], end = true): Promise<number | "closed"> {
  return new Promise((resolve) => {
    const req = request({
      port,
      host: "127.0.0.1",
      method: "POST",
      headers: { "content-type": "application/json" },
    });
    req.on("response", (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", () => resolve("closed"));
    const write = (i: number) => {
      if (i === parts.length) {
        if (end) req.end();
        else req.destroy();
        return;
      }
      req.write(parts[i], () => setTimeout(() => write(i + 1), 5));
    };
    write(0);
  });
}

describe("readJson", () => {
  let server: Server | null = null;
  afterEach(() => {
    server?.close();
    server = null;
  });

  it("reads a body sent in several chunks, and refuses one over the limit", async () => {
    const outcomes: string[] = [];
    const started = await echoServer(outcomes);
    server = started.server;
    expect(await postChunks(started.port, ['{"a":', '"b",', '"n":1}'])).toBe(200);
    const long = `{"x":"${"y".repeat(40)}`;
    await postChunks(started.port, [long, `${"z".repeat(40)}"}`]);
    expect(outcomes).toEqual(['read {"a":"b","n":1}', "payload_too_large"]);
    // The server goes on serving.
    expect(await postChunks(started.port, ['{"ok":true}'])).toBe(200);
  });

  it("settles when the client goes away mid-body, and the server goes on", async () => {
    const outcomes: string[] = [];
    const started = await echoServer(outcomes);
    server = started.server;
    expect(await postChunks(started.port, ['{"a":', '"b"'], false)).toBe("closed");
    await expect.poll(() => outcomes.length, { timeout: 30_000 }).toBe(1);
    expect(outcomes[0]).toMatch(/^error /);
    expect(await postChunks(started.port, ['{"ok":true}'])).toBe(200);
  });
});
