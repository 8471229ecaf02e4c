// Who is on the other end of a request: its address and whether it came over HTTPS, proxy-aware.
import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";

export interface ClientOrigin {
  /** The client's address (rate limits, connection limits). */
  addressOf(req: IncomingMessage): string;
  /** Whether the client reached us over HTTPS (Secure cookies). */
  isHttps(req: IncomingMessage): boolean;
}

/**
 * With `trustProxy`, the address the last proxy appended to X-Forwarded-For and its
 * X-Forwarded-Proto are believed; without it, only the socket is (headers are client-made).
 */
export function clientOrigin(trustProxy: boolean): ClientOrigin {
  return {
    addressOf(req) {
      if (trustProxy) {
        const forwarded = headerValue(req, "x-forwarded-for");
        const last = forwarded?.split(",").at(-1)?.trim();
        if (last) return last;
      }
      return req.socket.remoteAddress ?? "unknown";
    },
    isHttps(req) {
      if ((req.socket as TLSSocket).encrypted) return true;
      return trustProxy && headerValue(req, "x-forwarded-proto")?.split(",")[0]?.trim() === "https";
    },
  };
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}
