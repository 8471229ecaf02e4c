// Who may read /metrics: the holder of ROLLCALL_METRICS_TOKEN, or without it, this machine only.
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";
import { AppError } from "../errors/app-error.js";
import type { ClientOrigin } from "../http/client-origin.js";

/**
 * With a token, the request must carry `Authorization: Bearer <token>` (compared in constant time:
 * both sides hashed to the same length first), from anywhere. Without one, the request must come
 * from loopback: its socket, and with ROLLCALL_TRUST_PROXY also the address the proxy forwarded
 * (a proxy on this machine does not make its remote clients local). Throws the AppError to answer.
 */
export function checkMetricsAccess(
  req: IncomingMessage,
  token: string | null,
  origin: ClientOrigin,
): void {
  if (token !== null) {
    const presented = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "")?.[1];
    if (presented === undefined || !isSameSecret(presented, token)) {
      throw new AppError(
        "unauthorized",
        "send Authorization: Bearer <ROLLCALL_METRICS_TOKEN> to read /metrics",
      );
    }
    return;
  }
  if (!isLoopback(req.socket.remoteAddress) || !isLoopback(origin.addressOf(req))) {
    throw new AppError(
      "forbidden",
      "/metrics answers this machine only; set ROLLCALL_METRICS_TOKEN to scrape it from elsewhere",
    );
  }
}

function isSameSecret(presented: string, expected: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

/** 127.0.0.0/8, ::1, and IPv4 loopback mapped into IPv6. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith("::ffff:") ? address.slice(7) : address;
  if (isIP(v4) === 4) return v4.startsWith("127.");
  return address === "::1";
}
