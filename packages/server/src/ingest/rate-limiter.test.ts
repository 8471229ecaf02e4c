// Token bucket and keyed limiter: burst, steady refill, bounded keys.
import { describe, expect, it } from "vitest";
import { KeyedRateLimiter, TokenBucket } from "./rate-limiter.js";

describe("TokenBucket", () => {
  it("allows the burst at once, then refills at the steady rate", () => {
    const bucket = new TokenBucket(10, 3, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(bucket.take(50)).toBe(false);
    expect(bucket.take(100)).toBe(true);
    expect(bucket.take(100)).toBe(false);
  });

  it("never holds more than the burst however long it rests", () => {
    const bucket = new TokenBucket(10, 2, 0);
    bucket.take(0);
    let allowed = 0;
    for (let i = 0; i < 5; i++) if (bucket.take(60_000)) allowed++;
    expect(allowed).toBe(2);
  });
});

describe("KeyedRateLimiter", () => {
  it("limits each key on its own and says how long to wait", () => {
    let now = 0;
    const limiter = new KeyedRateLimiter(1, 2, () => now);
    expect(limiter.hit("a")).toBe(0);
    expect(limiter.hit("a")).toBe(0);
    expect(limiter.hit("a")).toBe(1);
    expect(limiter.hit("b")).toBe(0);
    now = 1_000;
    expect(limiter.hit("a")).toBe(0);
  });

  it("keeps the number of remembered keys bounded", () => {
    const limiter = new KeyedRateLimiter(1, 1, () => 0, 100);
    for (let i = 0; i < 1_000; i++) limiter.hit(`k${i}`);
    expect(limiter.size).toBeLessThanOrEqual(100);
  });
});
