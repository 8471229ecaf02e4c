import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { clientOrigin } from "./client-origin.js";

function request(headers: Record<string, string>, remoteAddress = "10.0.0.9"): IncomingMessage {
  return { headers, socket: { remoteAddress } } as unknown as IncomingMessage;
}

describe("clientOrigin", () => {
  const forwarded = request({
    "x-forwarded-for": "1.1.1.1, 203.0.113.7",
    "x-forwarded-proto": "https",
  });

  it("ignores forwarding headers unless told to trust the proxy", () => {
    const direct = clientOrigin(false);
    expect(direct.addressOf(forwarded)).toBe("10.0.0.9");
    expect(direct.isHttps(forwarded)).toBe(false);
  });

  it("behind a trusted proxy, takes the address it appended and its protocol", () => {
    const proxied = clientOrigin(true);
    expect(proxied.addressOf(forwarded)).toBe("203.0.113.7");
    expect(proxied.isHttps(forwarded)).toBe(true);
    expect(proxied.addressOf(request({}))).toBe("10.0.0.9");
  });
});
