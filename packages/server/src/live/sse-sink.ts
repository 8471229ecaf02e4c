// The body of one SSE response: plain, or gzip-compressed and flushed after every write.
import type { ServerResponse } from "node:http";
import { GzipStream } from "./gzip-stream.js";

/** Writes from this many characters on are deflated; shorter ones are stored. */
const DEFLATE_FROM = 2_048;

export interface SseSink {
  /** `onWritten`: the text (compressed or not) has left this process's buffers for the socket. */
  write(text: string, onWritten?: () => void): void;
  /** Bytes written that the socket has not taken yet (as sent: compressed, when it is). */
  bufferedBytes(): number;
  isEnded(): boolean;
  end(): void;
  destroy(): void;
}

export type SseEncoding = "gzip" | "identity";

/** Sends the SSE headers and returns where the events go. */
export function openSseSink(res: ServerResponse, encoding: SseEncoding): SseSink {
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-store",
    connection: "keep-alive",
    "x-accel-buffering": "no",
    vary: "accept-encoding",
    ...(encoding === "gzip" ? { "content-encoding": "gzip" } : {}),
  });
  return encoding === "gzip" ? gzipSink(res) : plainSink(res);
}

function plainSink(res: ServerResponse): SseSink {
  return {
    write: (text, onWritten) => {
      res.write(text, onWritten);
    },
    bufferedBytes: () => res.writableLength,
    isEnded: () => res.writableEnded || res.destroyed,
    end: () => res.end(),
    destroy: () => res.destroy(),
  };
}

/**
 * Large writes (a snapshot's slices) are deflated, small ones (a change event: ~500 bytes, which
 * deflating on its own shrank by a third for ~12 µs) are stored; see GzipStream.
 */
function gzipSink(res: ServerResponse): SseSink {
  const gzip = new GzipStream();
  return {
    write: (text, onWritten) => {
      res.write(text.length >= DEFLATE_FROM ? gzip.compressed(text) : gzip.stored(text), onWritten);
    },
    bufferedBytes: () => res.writableLength,
    isEnded: () => res.writableEnded || res.destroyed,
    end: () => res.end(gzip.end()),
    destroy: () => res.destroy(),
  };
}
