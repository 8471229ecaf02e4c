// Tests for chart buckets and heatmap hours across DST changes and fractional offsets.
import { describe, expect, it } from "vitest";
import {
  bucketSizeFor,
  heatmapHours,
  type TimeBucket,
  timeBuckets,
  toZonedIso,
} from "./analytics-buckets.js";
import { type AnalyticsRange, resolveRange } from "./analytics-range.js";
import { offsetSpans } from "./zoned-time.js";

const utc = (iso: string) => Date.parse(iso);
const MINUTE = 60_000;
const HOUR = 3_600_000;
const SLOT = 900_000;
const NY = "America/New_York";
const NOW = utc("2026-03-10T15:20:00Z");

function custom(tz: string, from: string, to: string): AnalyticsRange {
  return resolveRange({ range: "custom", from, to, tz, now: NOW });
}

function expectConsecutive(buckets: Array<{ start: number; end: number }>, range: AnalyticsRange) {
  expect(buckets[0]!.start).toBe(range.start);
  for (let i = 1; i < buckets.length; i++) expect(buckets[i]!.start).toBe(buckets[i - 1]!.end);
  expect(buckets[buckets.length - 1]!.end).toBeGreaterThanOrEqual(range.end);
}

const labels = (buckets: TimeBucket[]) => buckets.map((b) => b.label);
const minutes = (b: { start: number; end: number }) => (b.end - b.start) / MINUTE;

describe("bucketSizeFor", () => {
  it("charts up to 2 local days by hour, up to 92 by day, longer by week", () => {
    expect(bucketSizeFor(custom(NY, "2026-03-01", "2026-03-01"))).toBe("hour");
    expect(bucketSizeFor(custom(NY, "2026-03-01", "2026-03-02"))).toBe("hour");
    expect(bucketSizeFor(custom(NY, "2026-03-01", "2026-03-03"))).toBe("day");
    expect(bucketSizeFor(custom(NY, "2026-01-01", "2026-04-02"))).toBe("day");
    expect(bucketSizeFor(custom(NY, "2026-01-01", "2026-04-03"))).toBe("week");
  });
});

describe("timeBuckets by hour", () => {
  it("has 23 buckets on New York's spring-forward day, 01:00 then 03:00", () => {
    const buckets = timeBuckets(custom(NY, "2026-03-08", "2026-03-08"), "hour", NY);
    expect(buckets).toHaveLength(23);
    expect(labels(buckets).slice(0, 4)).toEqual([
      "2026-03-08T00:00:00-05:00",
      "2026-03-08T01:00:00-05:00",
      "2026-03-08T03:00:00-04:00",
      "2026-03-08T04:00:00-04:00",
    ]);
    expect(buckets[2]!.start).toBe(utc("2026-03-08T07:00:00Z"));
    expect(buckets.every((b) => minutes(b) === 60)).toBe(true);
  });

  it("has 25 buckets on New York's fall-back day, two labelled 01:00 with different offsets", () => {
    const buckets = timeBuckets(custom(NY, "2026-11-01", "2026-11-01"), "hour", NY);
    expect(buckets).toHaveLength(25);
    expect(labels(buckets).slice(0, 4)).toEqual([
      "2026-11-01T00:00:00-04:00",
      "2026-11-01T01:00:00-04:00",
      "2026-11-01T01:00:00-05:00",
      "2026-11-01T02:00:00-05:00",
    ]);
    expect(buckets[24]!.label).toBe("2026-11-01T23:00:00-05:00");
    expect(buckets[24]!.end).toBe(utc("2026-11-02T05:00:00Z"));
  });

  it("aligns to Kathmandu's quarter-hour offset", () => {
    const buckets = timeBuckets(
      custom("Asia/Kathmandu", "2026-11-23", "2026-11-23"),
      "hour",
      "Asia/Kathmandu",
    );
    expect(buckets).toHaveLength(24);
    expect(buckets[0]).toEqual({
      start: utc("2026-11-22T18:15:00Z"),
      end: utc("2026-11-22T19:15:00Z"),
      label: "2026-11-23T00:00:00+05:45",
    });
    expect(buckets[23]!.label).toBe("2026-11-23T23:00:00+05:45");
  });

  it("aligns to Kolkata's half-hour offset", () => {
    const buckets = timeBuckets(
      custom("Asia/Kolkata", "2026-06-01", "2026-06-01"),
      "hour",
      "Asia/Kolkata",
    );
    expect(buckets[0]!.start).toBe(utc("2026-05-31T18:30:00Z"));
    expect(buckets[5]!.label).toBe("2026-06-01T05:00:00+05:30");
  });

  it("cuts a 30-minute bucket where Lord Howe's 30-minute changes happen", () => {
    const autumn = timeBuckets(
      custom("Australia/Lord_Howe", "2026-04-05", "2026-04-05"),
      "hour",
      "Australia/Lord_Howe",
    );
    expect(autumn).toHaveLength(25);
    expect(labels(autumn).slice(1, 4)).toEqual([
      "2026-04-05T01:00:00+11:00",
      "2026-04-05T01:30:00+10:30",
      "2026-04-05T02:00:00+10:30",
    ]);
    expect(autumn.map(minutes).slice(1, 4)).toEqual([60, 30, 60]);
    const spring = timeBuckets(
      custom("Australia/Lord_Howe", "2026-10-04", "2026-10-04"),
      "hour",
      "Australia/Lord_Howe",
    );
    expect(spring).toHaveLength(24);
    expect(labels(spring).slice(1, 4)).toEqual([
      "2026-10-04T01:00:00+10:30",
      "2026-10-04T02:30:00+11:00",
      "2026-10-04T03:00:00+11:00",
    ]);
    expect(spring.map(minutes).slice(1, 4)).toEqual([60, 30, 60]);
  });

  it("repeats 23:00 when Santiago falls back at midnight", () => {
    const buckets = timeBuckets(
      custom("America/Santiago", "2026-04-04", "2026-04-04"),
      "hour",
      "America/Santiago",
    );
    expect(buckets).toHaveLength(25);
    expect(labels(buckets).slice(23)).toEqual([
      "2026-04-04T23:00:00-03:00",
      "2026-04-04T23:00:00-04:00",
    ]);
  });

  it("stops with the bucket holding now, which runs to the end of its hour", () => {
    const range = resolveRange({ range: "today", tz: NY, now: NOW });
    const buckets = timeBuckets(range, "hour", NY);
    expect(buckets).toHaveLength(12);
    expect(buckets[11]).toEqual({
      start: utc("2026-03-10T15:00:00Z"),
      end: utc("2026-03-10T16:00:00Z"),
      label: "2026-03-10T11:00:00-04:00",
    });
    expectConsecutive(buckets, range);
  });

  it("has no buckets for a range that has not started", () => {
    const range = resolveRange({ range: "today", tz: NY, now: utc("2026-03-10T04:00:00Z") });
    expect(timeBuckets(range, "hour", NY)).toEqual([]);
  });
});

describe("timeBuckets by day", () => {
  it("makes one bucket per local day, 23 hours long on spring-forward day", () => {
    const range = resolveRange({ range: "7d", tz: NY, now: NOW });
    const buckets = timeBuckets(range, "day", NY);
    expect(labels(buckets)).toEqual([
      "2026-03-04T00:00:00-05:00",
      "2026-03-05T00:00:00-05:00",
      "2026-03-06T00:00:00-05:00",
      "2026-03-07T00:00:00-05:00",
      "2026-03-08T00:00:00-05:00",
      "2026-03-09T00:00:00-04:00",
      "2026-03-10T00:00:00-04:00",
    ]);
    expect(buckets.map((b) => (b.end - b.start) / HOUR)).toEqual([24, 24, 24, 24, 23, 24, 24]);
    expect(buckets[6]!.end).toBe(utc("2026-03-11T04:00:00Z"));
    expectConsecutive(buckets, range);
  });

  it("starts Santiago's spring-forward day at 01:00", () => {
    const buckets = timeBuckets(
      custom("America/Santiago", "2026-09-05", "2026-09-07"),
      "day",
      "America/Santiago",
    );
    expect(labels(buckets)).toEqual([
      "2026-09-05T00:00:00-04:00",
      "2026-09-06T01:00:00-03:00",
      "2026-09-07T00:00:00-03:00",
    ]);
    expect(buckets.map((b) => (b.end - b.start) / HOUR)).toEqual([24, 23, 24]);
  });
});

describe("timeBuckets by week", () => {
  it("starts at the range start, then on every local Monday", () => {
    // 2026-01-01 is a Thursday; 2026-06-30 a Tuesday.
    const range = custom(NY, "2026-01-01", "2026-06-30");
    const buckets = timeBuckets(range, "week", NY);
    expect(buckets).toHaveLength(27);
    expect(labels(buckets).slice(0, 3)).toEqual([
      "2026-01-01T00:00:00-05:00",
      "2026-01-05T00:00:00-05:00",
      "2026-01-12T00:00:00-05:00",
    ]);
    expect(buckets[0]!.end - buckets[0]!.start).toBe(4 * 24 * HOUR);
    expect(labels(buckets)).toContain("2026-03-09T00:00:00-04:00");
    const dstWeek = buckets.find((b) => b.label === "2026-03-02T00:00:00-05:00")!;
    expect(dstWeek.end - dstWeek.start).toBe(167 * HOUR);
    expect(buckets[26]).toEqual({
      start: utc("2026-06-29T04:00:00Z"),
      end: utc("2026-07-01T04:00:00Z"),
      label: "2026-06-29T00:00:00-04:00",
    });
    expectConsecutive(buckets, range);
    expect(buckets[26]!.end).toBe(range.end);
  });
});

describe("heatmapHours", () => {
  it("counts New York's repeated 01:00 once, as one 2-hour entry", () => {
    const hours = heatmapHours(custom(NY, "2026-11-01", "2026-11-01"), NY);
    expect(hours).toHaveLength(24);
    expect(hours.filter((h) => h.hour === 1)).toEqual([
      { weekday: 7, hour: 1, start: utc("2026-11-01T05:00:00Z"), end: utc("2026-11-01T07:00:00Z") },
    ]);
    expect(hours.filter((h) => h.end - h.start !== HOUR).map((h) => h.hour)).toEqual([1]);
  });

  it("has no entry for the hour spring-forward skips", () => {
    const hours = heatmapHours(custom(NY, "2026-03-08", "2026-03-08"), NY);
    expect(hours).toHaveLength(23);
    expect(hours.map((h) => h.hour)).not.toContain(2);
    expect(hours.every((h) => h.weekday === 7 && h.end - h.start === HOUR)).toBe(true);
  });

  it("counts Havana's repeated midnight hour once", () => {
    const hours = heatmapHours(
      custom("America/Havana", "2026-11-01", "2026-11-01"),
      "America/Havana",
    );
    expect(hours).toHaveLength(24);
    expect(hours[0]).toEqual({
      weekday: 7,
      hour: 0,
      start: utc("2026-11-01T04:00:00Z"),
      end: utc("2026-11-01T06:00:00Z"),
    });
  });

  it("counts Santiago's repeated Saturday 23:00 once", () => {
    const hours = heatmapHours(
      custom("America/Santiago", "2026-04-04", "2026-04-04"),
      "America/Santiago",
    );
    expect(hours).toHaveLength(24);
    expect(hours[23]).toEqual({
      weekday: 6,
      hour: 23,
      start: utc("2026-04-05T02:00:00Z"),
      end: utc("2026-04-05T04:00:00Z"),
    });
  });

  it("gives Lord Howe a 90-minute 01:00 in autumn and a 30-minute 02:00 in spring", () => {
    const tz = "Australia/Lord_Howe";
    const autumn = heatmapHours(custom(tz, "2026-04-05", "2026-04-05"), tz);
    expect(autumn).toHaveLength(24);
    expect(autumn[1]).toEqual({
      weekday: 7,
      hour: 1,
      start: utc("2026-04-04T14:00:00Z"),
      end: utc("2026-04-04T15:30:00Z"),
    });
    const spring = heatmapHours(custom(tz, "2026-10-04", "2026-10-04"), tz);
    expect(spring).toHaveLength(24);
    expect(spring[2]).toEqual({
      weekday: 7,
      hour: 2,
      start: utc("2026-10-03T15:30:00Z"),
      end: utc("2026-10-03T16:00:00Z"),
    });
  });

  it("spans first to second occurrence where Troll's 2-hour fall-back repeats 01:00 and 02:00", () => {
    // 2026-10-25 01:00Z: 03:00 +02:00 becomes 01:00 +00:00, so 01:00 and 02:00 each occur twice.
    const hours = heatmapHours(
      custom("Antarctica/Troll", "2026-10-25", "2026-10-25"),
      "Antarctica/Troll",
    );
    expect(hours).toHaveLength(24);
    expect(hours.slice(1, 3)).toEqual([
      { weekday: 7, hour: 1, start: utc("2026-10-24T23:00:00Z"), end: utc("2026-10-25T02:00:00Z") },
      { weekday: 7, hour: 2, start: utc("2026-10-25T00:00:00Z"), end: utc("2026-10-25T03:00:00Z") },
    ]);
  });

  it("counts each weekday-hour of a 7-day range up to the current hour", () => {
    const hours = heatmapHours(resolveRange({ range: "7d", tz: NY, now: NOW }), NY);
    // Wed 4 – Mon 9 March: 6 × 24 hours less the skipped 02:00; Tuesday 10th: 00:00–11:00.
    expect(hours).toHaveLength(155);
    const count = (weekday: number, hour: number) =>
      hours.filter((h) => h.weekday === weekday && h.hour === hour).length;
    expect(count(7, 2)).toBe(0);
    expect(count(2, 11)).toBe(1);
    expect(count(2, 12)).toBe(0);
    expect(count(3, 0)).toBe(1);
    expect(hours[0]!.start).toBe(utc("2026-03-04T05:00:00Z"));
    expect(hours[154]!.end).toBe(utc("2026-03-10T16:00:00Z"));
  });
});

describe("toZonedIso", () => {
  it("is exported for callers that label instants", () => {
    expect(toZonedIso("Asia/Kathmandu", utc("2026-11-22T18:15:00Z"))).toBe(
      "2026-11-23T00:00:00+05:45",
    );
  });
});

describe("slot alignment in every zone", () => {
  // Hour buckets start at heatmap-hour starts and at offset changes, so checking those two
  // covers every hour boundary without building 3.6 million labels.
  it("puts every hour and day boundary of 2026 on a 15-minute UTC slot", () => {
    const zones = Intl.supportedValuesOf("timeZone");
    expect(zones.length).toBeGreaterThan(300);
    const misaligned: string[] = [];
    const check = (tz: string, what: string, at: number) => {
      if (at % SLOT !== 0) misaligned.push(`${tz} ${what} ${toZonedIso(tz, at)}`);
    };
    for (const tz of zones) {
      const range = custom(tz, "2026-01-01", "2026-12-31");
      const hours = heatmapHours(range, tz);
      for (const hour of hours) {
        check(tz, "hour start", hour.start);
        check(tz, "hour end", hour.end);
      }
      for (const span of offsetSpans(tz, range.start, range.end)) check(tz, "change", span.from);
      for (const day of timeBuckets(range, "day", tz)) check(tz, "day start", day.start);
      check(tz, "range end", range.end);
      expect(hours[0]!.start).toBe(range.start);
      expect(hours[hours.length - 1]!.end).toBe(range.end);
    }
    expect(misaligned).toEqual([]);
  });
});
