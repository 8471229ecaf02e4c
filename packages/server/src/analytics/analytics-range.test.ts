// Tests for resolving analytics time filters into instants and local days, with a fixed now.
import { describe, expect, it } from "vitest";
import { lastLocalDays, RangeInputError, resolveRange } from "./analytics-range.js";
import { formatLocalDate } from "./zoned-time.js";

const utc = (iso: string) => Date.parse(iso);
const HOUR = 3_600_000;
// Tuesday 2026-03-10, 11:20 in New York (EDT, two days after the spring-forward).
const NOW = utc("2026-03-10T15:20:00Z");
const NY = "America/New_York";

function errorOf(run: () => unknown): RangeInputError {
  try {
    run();
  } catch (error) {
    if (error instanceof RangeInputError) return error;
    throw error;
  }
  throw new Error("expected a RangeInputError");
}

describe("resolveRange today", () => {
  it("runs from local midnight to now", () => {
    const range = resolveRange({ range: "today", tz: NY, now: NOW });
    expect(range.start).toBe(utc("2026-03-10T04:00:00Z"));
    expect(range.end).toBe(NOW);
    expect(range.days.map(formatLocalDate)).toEqual(["2026-03-10"]);
  });

  it("turns over at Kathmandu midnight, 18:15 UTC", () => {
    const before = resolveRange({
      range: "today",
      tz: "Asia/Kathmandu",
      now: utc("2026-11-22T18:14:59Z"),
    });
    const after = resolveRange({
      range: "today",
      tz: "Asia/Kathmandu",
      now: utc("2026-11-22T18:15:00Z"),
    });
    expect(before.days.map(formatLocalDate)).toEqual(["2026-11-22"]);
    expect(before.start).toBe(utc("2026-11-21T18:15:00Z"));
    expect(after.days.map(formatLocalDate)).toEqual(["2026-11-23"]);
    expect(after.start).toBe(utc("2026-11-22T18:15:00Z"));
  });

  it("starts at the 01:00 the clocks jump to when midnight is skipped", () => {
    const range = resolveRange({
      range: "today",
      tz: "America/Santiago",
      now: utc("2026-09-06T15:00:00Z"),
    });
    expect(range.start).toBe(utc("2026-09-06T04:00:00Z"));
  });
});

describe("resolveRange 7d and 30d", () => {
  it("covers the last 7 local days including today, one real hour short over spring-forward", () => {
    const range = resolveRange({ range: "7d", tz: NY, now: NOW });
    expect(range.days.map(formatLocalDate)).toEqual([
      "2026-03-04",
      "2026-03-05",
      "2026-03-06",
      "2026-03-07",
      "2026-03-08",
      "2026-03-09",
      "2026-03-10",
    ]);
    expect(range.start).toBe(utc("2026-03-04T05:00:00Z"));
    expect(range.end).toBe(NOW);
    // 6 days and 11:20 on the wall clock, but only 6 days 10:20 of real time.
    expect(range.end - range.start).toBe(154 * HOUR + 20 * 60_000);
  });

  it("covers the last 30 local days including today", () => {
    const range = resolveRange({ range: "30d", tz: NY, now: NOW });
    expect(range.days).toHaveLength(30);
    expect(formatLocalDate(range.days[0]!)).toBe("2026-02-09");
    expect(formatLocalDate(range.days[29]!)).toBe("2026-03-10");
    expect(range.start).toBe(utc("2026-02-09T05:00:00Z"));
  });

  it("gives the same 30 days for the Active in last 30 days card", () => {
    expect(lastLocalDays(NY, NOW, 30)).toEqual(resolveRange({ range: "30d", tz: NY, now: NOW }));
  });

  it("ignores from and to", () => {
    const range = resolveRange({ range: "7d", from: "nonsense", to: "", tz: NY, now: NOW });
    expect(range.start).toBe(utc("2026-03-04T05:00:00Z"));
  });
});

describe("resolveRange custom", () => {
  it("runs from 00:00 of from to 00:00 of the day after to", () => {
    const range = resolveRange({
      range: "custom",
      from: "2026-11-01",
      to: "2026-11-01",
      tz: NY,
      now: NOW,
    });
    expect(range.start).toBe(utc("2026-11-01T04:00:00Z"));
    expect(range.end).toBe(utc("2026-11-02T05:00:00Z"));
    expect(range.end - range.start).toBe(25 * HOUR);
    expect(range.days.map(formatLocalDate)).toEqual(["2026-11-01"]);
  });

  it("keeps days that are still in the future", () => {
    const range = resolveRange({
      range: "custom",
      from: "2026-03-09",
      to: "2026-03-12",
      tz: "UTC",
      now: NOW,
    });
    expect(range.end).toBe(utc("2026-03-13T00:00:00Z"));
    expect(range.days).toHaveLength(4);
  });

  it("accepts a whole leap year of 366 days", () => {
    const range = resolveRange({
      range: "custom",
      from: "2024-01-01",
      to: "2024-12-31",
      tz: "UTC",
      now: NOW,
    });
    expect(range.days).toHaveLength(366);
    expect(range.end - range.start).toBe(366 * 24 * HOUR);
  });

  it("names from when it is missing or not a date", () => {
    expect(
      errorOf(() => resolveRange({ range: "custom", to: "2026-03-01", tz: NY, now: NOW })).message,
    ).toBe("from: required when range is custom");
    const bad = errorOf(() =>
      resolveRange({ range: "custom", from: "2026-02-30", to: "2026-03-01", tz: NY, now: NOW }),
    );
    expect(bad.field).toBe("from");
    expect(bad.message).toBe("from: not a date (YYYY-MM-DD)");
  });

  it("names to when it is not a date", () => {
    expect(
      errorOf(() =>
        resolveRange({ range: "custom", from: "2026-03-01", to: "03/05/2026", tz: NY, now: NOW }),
      ).message,
    ).toBe("to: not a date (YYYY-MM-DD)");
  });

  it("refuses to before from", () => {
    const error = errorOf(() =>
      resolveRange({ range: "custom", from: "2026-03-05", to: "2026-03-04", tz: NY, now: NOW }),
    );
    expect(error.field).toBe("to");
    expect(error.message).toBe("to: must not be before from");
  });

  it("refuses a span over 366 days", () => {
    const error = errorOf(() =>
      resolveRange({ range: "custom", from: "2025-01-01", to: "2026-01-02", tz: NY, now: NOW }),
    );
    expect(error.message).toBe("to: range is longer than 366 days");
  });

  it("names tz when the zone is unknown", () => {
    const error = errorOf(() =>
      resolveRange({ range: "today", tz: "Mars/Olympus_Mons", now: NOW }),
    );
    expect(error.field).toBe("tz");
    expect(error.message).toBe("tz: not an IANA time zone");
  });
});
