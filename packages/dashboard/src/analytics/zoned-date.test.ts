// Tests of reading instants in IANA zones: dates, weekdays, hours and offsets, DST included.
import { describe, expect, it } from "vitest";
import {
  addDays,
  daysInclusive,
  formatDate,
  formatZonedDateTime,
  isIsoDate,
  isValidTimeZone,
  offsetLabel,
  readZoned,
} from "./zoned-date";

describe("readZoned", () => {
  it("reads the local date, weekday and hour in the zone", () => {
    // 2026-11-23 is a Monday; 23:30 UTC is already Tuesday 05:15 in Kathmandu (+05:45).
    const at = Date.parse("2026-11-23T23:30:00Z");
    expect(readZoned(at, "UTC")).toMatchObject({ date: "2026-11-23", weekday: 1, hour: 23 });
    expect(readZoned(at, "Asia/Kathmandu")).toEqual({
      date: "2026-11-24",
      weekday: 2,
      hour: 5,
      minute: 15,
      offsetMinutes: 345,
    });
    expect(readZoned(at, "America/New_York")).toMatchObject({ hour: 18, offsetMinutes: -300 });
  });

  it("follows daylight saving time", () => {
    expect(readZoned(Date.parse("2026-07-01T12:00:00Z"), "Europe/Berlin").offsetMinutes).toBe(120);
    expect(readZoned(Date.parse("2026-01-01T12:00:00Z"), "Europe/Berlin").offsetMinutes).toBe(60);
  });

  it("calls Sunday 7", () => {
    expect(readZoned(Date.parse("2026-11-22T12:00:00Z"), "UTC").weekday).toBe(7);
  });
});

describe("offsetLabel", () => {
  it("writes the offset with a sign, hours and minutes", () => {
    const at = Date.parse("2026-01-15T12:00:00Z");
    expect(offsetLabel(at, "Asia/Kolkata")).toBe("UTC+05:30");
    expect(offsetLabel(at, "America/Sao_Paulo")).toBe("UTC−03:00");
    expect(offsetLabel(at, "Etc/UTC")).toBe("UTC");
  });
});

describe("calendar dates", () => {
  it("accepts only real YYYY-MM-DD dates", () => {
    expect(isIsoDate("2026-02-28")).toBe(true);
    expect(isIsoDate("2026-02-30")).toBe(false);
    expect(isIsoDate("2026-2-3")).toBe(false);
    expect(isIsoDate("")).toBe(false);
  });

  it("adds days across months and counts both ends of a range", () => {
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(daysInclusive("2026-11-17", "2026-11-23")).toBe(7);
    expect(daysInclusive("2026-11-23", "2026-11-23")).toBe(1);
    expect(daysInclusive("2026-11-24", "2026-11-23")).toBe(0);
  });

  it("formats dates in English with optional weekday and year", () => {
    expect(formatDate("2026-11-23")).toBe("23 Nov");
    expect(formatDate("2026-11-23", { weekday: true, year: true })).toBe("Mon 23 Nov 2026");
  });

  it("formats an instant's exact time in the zone", () => {
    expect(formatZonedDateTime("2026-11-23T13:05:00Z", "Europe/Berlin")).toBe(
      "Mon 23 Nov 2026, 14:05",
    );
    expect(formatZonedDateTime("not a date", "UTC")).toBe("—");
  });
});

describe("isValidTimeZone", () => {
  it("knows IANA names and refuses anything else", () => {
    expect(isValidTimeZone("Asia/Kathmandu")).toBe(true);
    expect(isValidTimeZone("Mars/Olympus")).toBe(false);
    expect(isValidTimeZone("")).toBe(false);
  });
});
