import { createGunzip, gunzipSync } from "node:zlib";
import { describe, expect, it, vi } from "vitest";
import { GzipStream } from "./gzip-stream.js";

describe("GzipStream", () => {
  it("writes pieces that gunzip decodes as one member, with a valid trailer", () => {
    const gzip = new GzipStream();
    const rows = JSON.stringify(Array.from({ length: 2_000 }, (_, i) => ({ id: `u${i}`, é: "ü" })));
    const parts = [
      gzip.compressed(rows),
      gzip.stored("event: change\ndata: {}\n\n"),
      gzip.stored(""),
      gzip.compressed("tail ✓"),
      gzip.end(),
    ];
    const whole = Buffer.concat(parts);
    // gunzipSync checks the CRC-32 and length in the trailer.
    expect(gunzipSync(whole).toString()).toBe(`${rows}event: change\ndata: {}\n\ntail ✓`);
    expect(parts[0]!.length).toBeLessThan(rows.length / 5);
  });

  it("keeps the CRC of what came before across an empty piece, however its bytes are held", () => {
    const gzip = new GzipStream();
    const first = gzip.stored("before");
    // An empty Buffer over a zero-length ArrayBuffer has no memory: zlib's crc32 sees a null
    // pointer and answers its initial value, 0, whatever CRC it was given.
    const empty = Buffer.from(new ArrayBuffer(0));
    const from = vi.spyOn(Buffer, "from").mockImplementationOnce(() => empty);
    let middle: Buffer;
    try {
      middle = gzip.stored("");
    } finally {
      from.mockRestore();
    }
    const whole = Buffer.concat([first, middle, gzip.stored(" after"), gzip.end()]);
    expect(gunzipSync(whole).toString()).toBe("before after");
  });

  it("splits a piece over 64 KB into several stored blocks", () => {
    const gzip = new GzipStream();
    const big = "x".repeat(200_000);
    expect(gunzipSync(Buffer.concat([gzip.stored(big), gzip.end()])).toString()).toBe(big);
  });

  it("lets a streaming reader decode each piece as soon as it arrives", async () => {
    const gzip = new GzipStream();
    const reader = createGunzip();
    let decoded = "";
    reader.on("data", (chunk: Buffer) => {
      decoded += chunk.toString();
    });
    // The reader inflates on the thread pool: wait for it (a busy machine takes its time), with
    // no more input given; a piece the stream held back for more would never decode.
    const decodedTo = async (text: string) => {
      for (const deadline = Date.now() + 30_000; decoded !== text && Date.now() < deadline; ) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(decoded).toBe(text);
    };
    reader.write(gzip.compressed("first event\n\n"));
    await decodedTo("first event\n\n");
    reader.write(gzip.stored("second event\n\n"));
    await decodedTo("first event\n\nsecond event\n\n");
  });
});
