import { describe, expect, it } from "vitest";
import { backoffDelay } from "./backoff.js";

describe("backoffDelay", () => {
  it("doubles the ceiling from 500 ms each attempt", () => {
    const top = () => 0.999999;
    expect(backoffDelay(0, top)).toBeCloseTo(500, 0);
    expect(backoffDelay(1, top)).toBeCloseTo(1000, 0);
    expect(backoffDelay(4, top)).toBeCloseTo(8000, 0);
  });

  it("never waits longer than 30 s, however many attempts failed", () => {
    expect(backoffDelay(6, () => 0.999999)).toBeLessThan(30_000);
    expect(backoffDelay(10_000, () => 0.999999)).toBeCloseTo(30_000, 0);
  });

  it("spreads delays over the whole interval (full jitter)", () => {
    expect(backoffDelay(3, () => 0)).toBe(0);
    expect(backoffDelay(3, () => 0.5)).toBe(2000);
    for (let i = 0; i < 200; i++) {
      const delay = backoffDelay(5);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(16_000);
    }
  });
});
