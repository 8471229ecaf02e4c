import { describe, expect, it } from "vitest";
import { refreshDelay } from "./token-refresh.js";

const NOW = Date.UTC(2026, 0, 15, 9, 0, 0);

describe("refreshDelay", () => {
  it("asks a minute before a token of an hour or more expires", () => {
    expect(refreshDelay(NOW + 3_600_000, NOW)).toBe(3_540_000);
    expect(refreshDelay(NOW + 86_400_000, NOW)).toBe(86_340_000);
  });

  it("asks when nine tenths of a short token's time are gone", () => {
    expect(refreshDelay(NOW + 120_000, NOW)).toBe(108_000);
    expect(refreshDelay(NOW + 10_000, NOW)).toBe(9_000);
  });

  it("gives the same moment however often it is asked during the token's life", () => {
    const since = NOW;
    const expiresAt = NOW + 120_000;
    for (const now of [NOW, NOW + 30_000, NOW + 100_000]) {
      expect(now + (refreshDelay(expiresAt, now, since) ?? 0)).toBe(NOW + 108_000);
    }
    expect(refreshDelay(NOW + 3_600_000, NOW + 3_500_000, NOW)).toBe(40_000);
  });

  it("asks at once for a token that has expired or is about to", () => {
    expect(refreshDelay(NOW - 5_000, NOW)).toBe(0);
    expect(refreshDelay(NOW, NOW)).toBe(0);
  });

  it("gives no delay for an unknown expiry, and one a timer can hold for a far one", () => {
    expect(refreshDelay(undefined, NOW)).toBeUndefined();
    expect(refreshDelay(null, NOW)).toBeUndefined();
    expect(refreshDelay(Number.NaN, NOW)).toBeUndefined();
    expect(refreshDelay(Infinity, NOW)).toBeUndefined();
    expect(refreshDelay(NOW + 1e12, NOW)).toBe(2 ** 31 - 1);
  });
});
