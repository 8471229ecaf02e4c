import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendFile } from "./static-files.js";

const root = mkdtempSync(join(tmpdir(), "rollcall-static-"));
const script = `/* a tracker */ ${"window.rollcall = window.rollcall || {};\n".repeat(200)}`;
let server: Server;
let origin = "";

beforeAll(async () => {
  writeFileSync(join(root, "tracker.js"), script);
  writeFileSync(join(root, "logo.png"), Buffer.alloc(2_000, 7));
  server = createServer((req, res) => {
    const file = (req.url ?? "/").slice(1);
    if (!sendFile(req, res, root, file, { cacheControl: "public, max-age=300" })) {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.close();
  rmSync(root, { recursive: true, force: true });
});

/** The raw bytes and headers, undecoded (fetch would decompress on its own). */
async function get(path: string, acceptEncoding?: string) {
  return new Promise<{ headers: Record<string, unknown>; body: Buffer; status: number }>(
    (resolve, reject) => {
      const req = request(`${origin}${path}`, {
        headers: acceptEncoding ? { "accept-encoding": acceptEncoding } : {},
      });
      req.on("response", (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            headers: res.headers,
            body: Buffer.concat(chunks),
            status: res.statusCode ?? 0,
          }),
        );
      });
      req.on("error", reject);
      req.end();
    },
  );
}

describe("sendFile", () => {
  it("sends a script gzip-compressed to a browser that accepts it", async () => {
    const { headers, body } = await get("/tracker.js", "gzip, deflate, br");
    expect(headers["content-encoding"]).toBe("gzip");
    expect(headers.vary).toBe("accept-encoding");
    expect(Number(headers["content-length"])).toBe(body.length);
    expect(body.length).toBeLessThan(script.length / 10);
    expect(gunzipSync(body).toString()).toBe(script);
  });

  it("sends it plain to a client that does not ask for gzip", async () => {
    const { headers, body } = await get("/tracker.js");
    expect(headers["content-encoding"]).toBeUndefined();
    expect(body.toString()).toBe(script);
  });

  it("reads and compresses a file again once it changed on disk", async () => {
    await get("/tracker.js", "gzip");
    const changed = `${script}/* rebuilt */`;
    writeFileSync(join(root, "tracker.js"), changed);
    utimesSync(join(root, "tracker.js"), new Date(), new Date(Date.now() + 5_000));
    const { body } = await get("/tracker.js", "gzip");
    expect(gunzipSync(body).toString()).toBe(changed);
    expect((await get("/tracker.js")).body.toString()).toBe(changed);
  });

  it("leaves images as they are", async () => {
    const { headers, body } = await get("/logo.png", "gzip");
    expect(headers["content-encoding"]).toBeUndefined();
    expect(body.length).toBe(2_000);
  });

  it("finds nothing outside its folder", async () => {
    expect((await get("/../etc/passwd", "gzip")).status).toBe(404);
  });
});
