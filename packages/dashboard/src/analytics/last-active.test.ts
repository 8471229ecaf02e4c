// Tests of the table's "Last active" text in a zone.
import { describe, expect, it } from "vitest";
import { describeLastActive } from "./last-active";

describe("describeLastActive", () => {
  const now = Date.UTC(2026, 11, 7, 9, 20);

  it("shows the time in the chosen zone, +05:45 included, and the age beside it", () => {
    const iso = "2026-12-03T08:20:09.500Z";
    expect(describeLastActive(iso, "Asia/Kathmandu", now)).toEqual({
      time: "3 Dec 2026, 14:05",
      ago: "4 d ago",
    });
    expect(describeLastActive(iso, "America/New_York", now)?.time).toBe("3 Dec 2026, 03:20");
  });

  it("reads the local date across midnight and says just now for a clock a little ahead", () => {
    expect(describeLastActive("2026-12-06T23:30:00Z", "Asia/Kathmandu", now)?.time).toBe(
      "7 Dec 2026, 05:15",
    );
    expect(describeLastActive(new Date(now + 3_000).toISOString(), "UTC", now)?.ago).toBe(
      "just now",
    );
    expect(describeLastActive("not a time", "UTC", now)).toBeNull();
  });
});
