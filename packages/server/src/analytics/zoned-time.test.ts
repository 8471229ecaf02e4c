// Tests for the IANA zone helpers, against offsets and transitions written out by hand.
import { describe, expect, it } from "vitest";
import {
  addLocalDays,
  daysBetween,
  isValidTimeZone,
  localParts,
  offsetAt,
  offsetSpans,
  parseLocalDate,
  startOfLocalDay,
  toZonedIso,
  weekdayOf,
  ZoneTimeline,
} from "./zoned-time.js";

const utc = (iso: string) => Date.parse(iso);

describe("isValidTimeZone", () => {
  it("accepts IANA names and UTC", () => {
    expect(isValidTimeZone("America/New_York")).toBe(true);
    expect(isValidTimeZone("Asia/Kathmandu")).toBe(true);
    expect(isValidTimeZone("UTC")).toBe(true);
  });

  it("rejects unknown names and the empty string", () => {
    expect(isValidTimeZone("Mars/Olympus_Mons")).toBe(false);
    expect(isValidTimeZone("")).toBe(false);
    expect(isValidTimeZone("Mars/Olympus_Mons")).toBe(false);
  });
});

describe("offsetAt", () => {
  it("gives minutes east of UTC for fixed and fractional-hour zones", () => {
    expect(offsetAt("UTC", utc("2026-06-01T00:00:00Z"))).toBe(0);
    expect(offsetAt("Asia/Kathmandu", utc("2026-11-22T18:15:00Z"))).toBe(345);
    expect(offsetAt("Asia/Kolkata", utc("2026-01-01T00:00:00Z"))).toBe(330);
    expect(offsetAt("America/St_Johns", utc("2026-01-01T00:00:00Z"))).toBe(-210);
  });

  it("switches New York at 07:00Z on 2026-03-08 and at 06:00Z on 2026-11-01", () => {
    expect(offsetAt("America/New_York", utc("2026-03-08T06:59:59Z"))).toBe(-300);
    expect(offsetAt("America/New_York", utc("2026-03-08T07:00:00Z"))).toBe(-240);
    expect(offsetAt("America/New_York", utc("2026-11-01T05:59:59Z"))).toBe(-240);
    expect(offsetAt("America/New_York", utc("2026-11-01T06:00:00Z"))).toBe(-300);
  });

  it("follows Lord Howe's 30-minute daylight saving", () => {
    expect(offsetAt("Australia/Lord_Howe", utc("2026-04-04T14:59:59Z"))).toBe(660);
    expect(offsetAt("Australia/Lord_Howe", utc("2026-04-04T15:00:00Z"))).toBe(630);
    expect(offsetAt("Australia/Lord_Howe", utc("2026-10-03T15:29:59Z"))).toBe(630);
    expect(offsetAt("Australia/Lord_Howe", utc("2026-10-03T15:30:00Z"))).toBe(660);
  });
});

describe("localParts", () => {
  it("reads Kolkata's wall clock half an hour off the UTC hour", () => {
    expect(localParts("Asia/Kolkata", utc("2026-01-01T00:00:00Z"))).toEqual({
      year: 2026,
      month: 1,
      day: 1,
      hour: 5,
      minute: 30,
      weekday: 4,
    });
  });

  it("shows the repeated 01:30 twice on New York's fall-back Sunday", () => {
    const first = localParts("America/New_York", utc("2026-11-01T05:30:00Z"));
    const second = localParts("America/New_York", utc("2026-11-01T06:30:00Z"));
    expect(first).toEqual({ year: 2026, month: 11, day: 1, hour: 1, minute: 30, weekday: 7 });
    expect(second).toEqual(first);
  });

  it("reads midnight as hour 0, not 24", () => {
    expect(localParts("Europe/Paris", utc("2026-01-14T23:00:00Z")).hour).toBe(0);
  });
});

describe("startOfLocalDay", () => {
  it("is local midnight in fractional-offset zones", () => {
    expect(startOfLocalDay("Asia/Kathmandu", 2026, 11, 23)).toBe(utc("2026-11-22T18:15:00Z"));
    expect(startOfLocalDay("Asia/Kolkata", 2026, 1, 1)).toBe(utc("2025-12-31T18:30:00Z"));
    expect(startOfLocalDay("UTC", 2024, 2, 29)).toBe(utc("2024-02-29T00:00:00Z"));
  });

  it("is local midnight on both New York change days and the days after", () => {
    expect(startOfLocalDay("America/New_York", 2026, 3, 8)).toBe(utc("2026-03-08T05:00:00Z"));
    expect(startOfLocalDay("America/New_York", 2026, 3, 9)).toBe(utc("2026-03-09T04:00:00Z"));
    expect(startOfLocalDay("America/New_York", 2026, 11, 1)).toBe(utc("2026-11-01T04:00:00Z"));
    expect(startOfLocalDay("America/New_York", 2026, 11, 2)).toBe(utc("2026-11-02T05:00:00Z"));
  });

  it("is the moment clocks jump to 01:00 when midnight is skipped (Santiago, Havana)", () => {
    expect(startOfLocalDay("America/Santiago", 2026, 9, 6)).toBe(utc("2026-09-06T04:00:00Z"));
    expect(startOfLocalDay("America/Havana", 2026, 3, 8)).toBe(utc("2026-03-08T05:00:00Z"));
  });

  it("is the earlier midnight when a fall-back repeats it (Havana)", () => {
    expect(startOfLocalDay("America/Havana", 2026, 11, 1)).toBe(utc("2026-11-01T04:00:00Z"));
  });

  it("comes after the repeated evening hour when Santiago falls back at midnight", () => {
    expect(startOfLocalDay("America/Santiago", 2026, 4, 4)).toBe(utc("2026-04-04T03:00:00Z"));
    expect(startOfLocalDay("America/Santiago", 2026, 4, 5)).toBe(utc("2026-04-05T04:00:00Z"));
  });

  it("uses Lord Howe's summer offset on the day it ends", () => {
    expect(startOfLocalDay("Australia/Lord_Howe", 2026, 4, 5)).toBe(utc("2026-04-04T13:00:00Z"));
    expect(startOfLocalDay("Australia/Lord_Howe", 2026, 4, 6)).toBe(utc("2026-04-05T13:30:00Z"));
  });
});

describe("calendar dates", () => {
  it("adds days across month, leap-day and year ends", () => {
    expect(addLocalDays({ year: 2024, month: 2, day: 28 }, 1)).toEqual({
      year: 2024,
      month: 2,
      day: 29,
    });
    expect(addLocalDays({ year: 2026, month: 2, day: 28 }, 1)).toEqual({
      year: 2026,
      month: 3,
      day: 1,
    });
    expect(addLocalDays({ year: 2026, month: 3, day: 1 }, -1)).toEqual({
      year: 2026,
      month: 2,
      day: 28,
    });
    expect(addLocalDays({ year: 2026, month: 1, day: 1 }, 364)).toEqual({
      year: 2026,
      month: 12,
      day: 31,
    });
  });

  it("counts whole days between dates", () => {
    expect(daysBetween({ year: 2024, month: 1, day: 1 }, { year: 2024, month: 12, day: 31 })).toBe(
      365,
    );
    expect(daysBetween({ year: 2026, month: 3, day: 10 }, { year: 2026, month: 3, day: 4 })).toBe(
      -6,
    );
  });

  it("numbers weekdays from Monday = 1 to Sunday = 7", () => {
    expect(weekdayOf({ year: 2026, month: 3, day: 9 })).toBe(1);
    expect(weekdayOf({ year: 2026, month: 3, day: 8 })).toBe(7);
  });

  it("parses only real dates written YYYY-MM-DD", () => {
    expect(parseLocalDate("2024-02-29")).toEqual({ year: 2024, month: 2, day: 29 });
    expect(parseLocalDate("2026-02-29")).toBeUndefined();
    expect(parseLocalDate("2026-13-01")).toBeUndefined();
    expect(parseLocalDate("2026-1-01")).toBeUndefined();
    expect(parseLocalDate("2026-01-01T00:00")).toBeUndefined();
    expect(parseLocalDate("yesterday")).toBeUndefined();
  });
});

describe("toZonedIso", () => {
  it("writes the zone's offset at that instant", () => {
    expect(toZonedIso("America/New_York", utc("2026-03-08T07:00:00Z"))).toBe(
      "2026-03-08T03:00:00-04:00",
    );
    expect(toZonedIso("America/New_York", utc("2026-03-08T06:00:00Z"))).toBe(
      "2026-03-08T01:00:00-05:00",
    );
    expect(toZonedIso("Asia/Kathmandu", utc("2026-11-22T18:15:00Z"))).toBe(
      "2026-11-23T00:00:00+05:45",
    );
    expect(toZonedIso("America/St_Johns", utc("2026-01-01T03:30:00Z"))).toBe(
      "2026-01-01T00:00:00-03:30",
    );
    expect(toZonedIso("UTC", 0)).toBe("1970-01-01T00:00:00+00:00");
  });
});

describe("offsetSpans", () => {
  it("lists New York's 2026 offsets with the changes to the second", () => {
    const spans = offsetSpans(
      "America/New_York",
      utc("2026-01-01T00:00:00Z"),
      utc("2027-01-01T00:00:00Z"),
    );
    expect(spans).toEqual([
      { from: utc("2026-01-01T00:00:00Z"), to: utc("2026-03-08T07:00:00Z"), offsetMs: -18_000_000 },
      { from: utc("2026-03-08T07:00:00Z"), to: utc("2026-11-01T06:00:00Z"), offsetMs: -14_400_000 },
      { from: utc("2026-11-01T06:00:00Z"), to: utc("2027-01-01T00:00:00Z"), offsetMs: -18_000_000 },
    ]);
  });

  it("is one span for a zone without daylight saving", () => {
    const from = utc("2026-01-01T00:00:00Z");
    const to = utc("2026-02-15T12:00:00Z");
    expect(offsetSpans("Asia/Kathmandu", from, to)).toEqual([{ from, to, offsetMs: 20_700_000 }]);
  });
});

describe("ZoneTimeline", () => {
  it("finds the first instant at or after a wall time that spring-forward skips", () => {
    const timeline = new ZoneTimeline(
      "America/New_York",
      utc("2026-03-07T00:00:00Z"),
      utc("2026-03-09T00:00:00Z"),
    );
    expect(timeline.firstInstantAtOrAfter(utc("2026-03-08T02:30:00Z"))).toBe(
      utc("2026-03-08T07:00:00Z"),
    );
    expect(timeline.partsAt(utc("2026-03-08T07:00:00Z")).hour).toBe(3);
  });
});
