import { describe, expect, it } from "vitest";
import { EVENT_TIME_FLOOR_MS, EventTimeBounds, FUTURE_SKEW_MS } from "./event-time-bounds.js";

const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);
const DAY = 86_400_000;

describe("EventTimeBounds", () => {
  const bounds = new EventTimeBounds(() => NOW);

  it("accepts times from the floor to the allowed skew ahead of the clock", () => {
    for (const ts of [EVENT_TIME_FLOOR_MS, Date.UTC(2001, 5, 1), NOW, NOW + FUTURE_SKEW_MS]) {
      expect(bounds.refusal(ts)).toBeNull();
    }
  });

  it("refuses a time past the allowed skew, and any absurd one", () => {
    expect(bounds.refusal(NOW + FUTURE_SKEW_MS + 1)).toMatch(/in the future/);
    for (const ts of [9e15, 8.64e15 + 1, Number.MAX_SAFE_INTEGER, Date.UTC(2200, 0, 1)]) {
      expect(bounds.refusal(ts)).toMatch(/in the future/);
    }
  });

  it("refuses a time before 2000, negative ones included", () => {
    for (const ts of [EVENT_TIME_FLOOR_MS - 1, 0, -9e15]) {
      expect(bounds.refusal(ts)).toMatch(/before 2000-01-01/);
    }
  });

  it("refuses a time that is not a whole, safe number of milliseconds", () => {
    for (const ts of [Number.NaN, Number.POSITIVE_INFINITY, NOW + 0.5, 2 ** 60]) {
      expect(bounds.refusal(ts)).not.toBeNull();
    }
  });

  it("refuses a time before the retention horizon when there is one", () => {
    const kept = new EventTimeBounds(
      () => NOW,
      () => NOW - 30 * DAY,
    );
    expect(kept.refusal(NOW - 30 * DAY)).toBeNull();
    expect(kept.refusal(NOW - 30 * DAY - 1)).toMatch(/ROLLCALL_EVENT_RETENTION_DAYS/);
  });

  it("follows the clock as it moves", () => {
    let now = NOW;
    const moving = new EventTimeBounds(() => now);
    const ts = NOW + FUTURE_SKEW_MS + 60_000;
    expect(moving.refusal(ts)).not.toBeNull();
    now += 60_000;
    expect(moving.refusal(ts)).toBeNull();
  });
});
