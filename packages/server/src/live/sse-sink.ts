// The body of one SSE response: plain, or gzip-compressed with each write readable at once.
import type { ServerResponse } from "node:http";
import { GzipStream } from "./gzip-stream.js";

/**
 * Writes from this many characters on (a snapshot's slices) are deflated; shorter ones (a change
 * event: ~500 bytes, which deflating on its own shrank by a third for ~12 µs) are stored.
 */
const DEFLATE_FROM = 2_048;

export type SseEncoding = "gzip" | "identity";

export class SseSink {
  private readonly gzip: GzipStream | null;

  /** Sends the SSE headers; the events follow through write(). */
  constructor(
    private readonly res: ServerResponse,
    encoding: SseEncoding,
    private readonly onBytesSent?: (bytes: number) => void,
  ) {
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      connection: "keep-alive",
      "x-accel-buffering": "no",
      vary: "accept-encoding",
      ...(encoding === "gzip" ? { "content-encoding": "gzip" } : {}),
    });
    this.gzip = encoding === "gzip" ? new GzipStream() : null;
    // A write racing the dashboard's departure may fail: the stream just ends (its close
    // listener drops it from the feed); with no listener the error would end the process.
    res.on("error", () => undefined);
  }

  /** `onWritten`: the text (compressed or not) has left this process's buffers for the socket. */
  write(text: string, onWritten?: () => void): void {
    const { gzip } = this;
    const chunk =
      gzip === null
        ? text
        : text.length >= DEFLATE_FROM
          ? gzip.compressed(text)
          : gzip.stored(text);
    this.res.write(chunk, onWritten);
    this.onBytesSent?.(typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.byteLength);
  }

  /** Bytes written that the socket has not taken yet (as sent: compressed, when it is). */
  bufferedBytes(): number {
    return this.res.writableLength;
  }

  isEnded(): boolean {
    return this.res.writableEnded || this.res.destroyed;
  }

  end(): void {
    if (this.gzip) this.res.end(this.gzip.end());
    else this.res.end();
  }

  destroy(): void {
    this.res.destroy();
  }
}
