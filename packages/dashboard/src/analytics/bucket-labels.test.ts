// Tests of the chart's bucket labels, read in the chosen zone from each bucket's start.
import { describe, expect, it } from "vitest";
import { axisLabel, labelIndexes, readBucketStart, tooltipLabel } from "./bucket-labels";

describe("readBucketStart", () => {
  it("takes the wall-clock date and hour the server wrote, whatever the offset", () => {
    expect(readBucketStart("2026-11-23T14:00:00+05:45")).toEqual({ date: "2026-11-23", hour: 14 });
    expect(readBucketStart("2026-03-29T03:00:00+02:00")).toEqual({ date: "2026-03-29", hour: 3 });
  });
});

describe("axisLabel and tooltipLabel", () => {
  it("shows hours for hour buckets and dates for days and weeks", () => {
    expect(axisLabel("2026-11-23T09:00:00+01:00", "hour")).toBe("09:00");
    expect(axisLabel("2026-11-23T00:00:00+01:00", "day")).toBe("23 Nov");
    expect(axisLabel("2026-11-23T00:00:00+01:00", "week")).toBe("23 Nov");
  });

  it("names the day at midnight when hours span several days", () => {
    expect(axisLabel("2026-11-24T00:00:00+01:00", "hour", true)).toBe("Tue 24 Nov");
    expect(axisLabel("2026-11-24T01:00:00+01:00", "hour", true)).toBe("01:00");
  });

  it("gives the whole bucket in the tooltip", () => {
    expect(tooltipLabel("2026-11-23T23:00:00-05:00", "hour")).toBe("Mon 23 Nov, 23:00–00:00");
    expect(tooltipLabel("2026-11-23T00:00:00Z", "day")).toBe("Mon 23 Nov 2026");
    expect(tooltipLabel("2026-11-23T00:00:00Z", "week")).toBe("Week of 23 Nov 2026");
  });
});

describe("labelIndexes", () => {
  it("labels every bucket when they fit", () => {
    expect(labelIndexes(7, "day", 10)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it("steps by readable amounts when they do not", () => {
    expect(labelIndexes(24, "hour", 10)).toEqual([0, 3, 6, 9, 12, 15, 18, 21]);
    expect(labelIndexes(30, "day", 12)).toEqual([2, 5, 8, 11, 14, 17, 20, 23, 26, 29]);
    expect(labelIndexes(48, "hour", 10)).toEqual([0, 6, 12, 18, 24, 30, 36, 42]);
  });

  it("always labels the last day or week (today's bar on a month chart)", () => {
    expect(labelIndexes(30, "day", 5).at(-1)).toBe(29);
    expect(labelIndexes(31, "day", 8).at(-1)).toBe(30);
    expect(labelIndexes(53, "week", 6).at(-1)).toBe(52);
  });

  it("has nothing to label without buckets", () => {
    expect(labelIndexes(0, "day", 10)).toEqual([]);
  });
});
