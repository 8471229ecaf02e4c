// Who may read /metrics: the token's holder, or this machine only; behind a proxy, its clients too.
import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { AppError } from "../errors/app-error.js";
import { clientOrigin } from "../http/client-origin.js";
import { checkMetricsAccess, isLoopback } from "./metrics-access.js";

const TOKEN = "metrics-token-0123456789abcdef";

function request(remoteAddress: string, headers: Record<string, string> = {}): IncomingMessage {
  return { socket: { remoteAddress }, headers } as unknown as IncomingMessage;
}

function refusal(check: () => void): string | null {
  try {
    check();
    return null;
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
}

describe("access to /metrics", () => {
  it("knows loopback addresses, IPv4-mapped ones included", () => {
    for (const address of ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"]) {
      expect(isLoopback(address), address).toBe(true);
    }
    for (const address of ["10.0.0.1", "::ffff:10.0.0.1", "::2", "fe80::1", "1270.0.0.1", ""]) {
      expect(isLoopback(address), address).toBe(false);
    }
    expect(isLoopback(undefined)).toBe(false);
  });

  it("without a token, refuses a client on another machine (403)", () => {
    const direct = clientOrigin(false);
    expect(refusal(() => checkMetricsAccess(request("127.0.0.1"), null, direct))).toBeNull();
    expect(refusal(() => checkMetricsAccess(request("192.0.2.4"), null, direct))).toBe("forbidden");
    // A forged header changes nothing without a trusted proxy.
    const forged = request("192.0.2.4", { "x-forwarded-for": "127.0.0.1" });
    expect(refusal(() => checkMetricsAccess(forged, null, direct))).toBe("forbidden");
  });

  it("behind a trusted proxy, needs both the proxy and its client on this machine", () => {
    const proxied = clientOrigin(true);
    const remoteClient = request("127.0.0.1", { "x-forwarded-for": "198.51.100.2" });
    expect(refusal(() => checkMetricsAccess(remoteClient, null, proxied))).toBe("forbidden");
    const remoteProxy = request("192.0.2.4", { "x-forwarded-for": "127.0.0.1" });
    expect(refusal(() => checkMetricsAccess(remoteProxy, null, proxied))).toBe("forbidden");
    const local = request("127.0.0.1", { "x-forwarded-for": "127.0.0.1" });
    expect(refusal(() => checkMetricsAccess(local, null, proxied))).toBeNull();
  });

  it("with a token, takes exactly that bearer token from anywhere (401 otherwise)", () => {
    const direct = clientOrigin(false);
    const from = (authorization?: string) =>
      request("192.0.2.4", authorization === undefined ? {} : { authorization });
    expect(refusal(() => checkMetricsAccess(from(`Bearer ${TOKEN}`), TOKEN, direct))).toBeNull();
    expect(refusal(() => checkMetricsAccess(from(`bearer ${TOKEN}`), TOKEN, direct))).toBeNull();
    for (const header of [undefined, "", `Bearer ${TOKEN.slice(1)}`, `Bearer ${TOKEN}0`, TOKEN]) {
      expect(
        refusal(() => checkMetricsAccess(from(header), TOKEN, direct)),
        header,
      ).toBe("unauthorized");
    }
    // The loopback exemption does not apply once a token is set.
    expect(refusal(() => checkMetricsAccess(request("127.0.0.1"), TOKEN, direct))).toBe(
      "unauthorized",
    );
  });
});
