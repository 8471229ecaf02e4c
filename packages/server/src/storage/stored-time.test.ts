import { describe, expect, it } from "vitest";
import { DATE_LIMIT_MS, isoTime, nullableIsoTime } from "./stored-time.js";

describe("isoTime", () => {
  it("writes an ordinary time as ISO 8601 in UTC", () => {
    expect(isoTime(Date.UTC(2026, 10, 23, 9, 30))).toBe("2026-11-23T09:30:00.000Z");
  });

  it("clamps a time beyond what a Date can show instead of throwing", () => {
    expect(isoTime(9e15)).toBe(new Date(DATE_LIMIT_MS).toISOString());
    expect(isoTime(2 ** 62)).toBe("+275760-09-13T00:00:00.000Z");
    expect(isoTime(-9e15)).toBe("-271821-04-20T00:00:00.000Z");
    expect(isoTime(Number.POSITIVE_INFINITY)).toBe("+275760-09-13T00:00:00.000Z");
  });

  it("reads a value that is not a number as the epoch", () => {
    expect(isoTime(Number.NaN)).toBe("1970-01-01T00:00:00.000Z");
  });

  it("keeps null as null", () => {
    expect(nullableIsoTime(null)).toBeNull();
    expect(nullableIsoTime(9e15)).toBe("+275760-09-13T00:00:00.000Z");
  });
});
