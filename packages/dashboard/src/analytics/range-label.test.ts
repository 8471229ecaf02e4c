// Tests of the words for a range and whether it reaches today.
import { describe, expect, it } from "vitest";
import { describePrevious, describeRange, describeRangeDates, includesToday } from "./range-label";

describe("describeRange", () => {
  it("names the preset ranges", () => {
    expect(describeRange({ range: "7d", from: "", to: "" })).toBe("Past 7 days");
  });

  it("writes the year once for a range within one year", () => {
    expect(describeRange({ range: "custom", from: "2026-10-01", to: "2026-10-31" })).toBe(
      "1 Oct – 31 Oct 2026",
    );
  });

  it("writes both years for a range across a new year", () => {
    expect(describeRange({ range: "custom", from: "2025-12-07", to: "2026-12-06" })).toBe(
      "7 Dec 2025 – 6 Dec 2026",
    );
  });

  it("gives one day with its weekday, and no dates for a range that cannot be asked", () => {
    expect(describeRange({ range: "custom", from: "2026-11-23", to: "2026-11-23" })).toBe(
      "Mon 23 Nov 2026",
    );
    expect(describeRange({ range: "custom", from: "2026-12-05", to: "2026-11-01" })).toBe(
      "Custom range",
    );
  });
});

describe("includesToday", () => {
  it("is true for the presets and for a custom range ending today or later", () => {
    expect(includesToday({ range: "30d", to: "2020-01-01" }, "2026-11-23")).toBe(true);
    expect(includesToday({ range: "custom", to: "2026-11-23" }, "2026-11-23")).toBe(true);
  });

  it("is false for a custom range in the past", () => {
    expect(includesToday({ range: "custom", to: "2026-11-22" }, "2026-11-23")).toBe(false);
  });
});

describe("describePrevious", () => {
  it("names the period each range is compared with, as the server computes it", () => {
    const view = (range: "today" | "7d" | "30d" | "custom", from = "", to = "") => ({
      range,
      from,
      to,
    });
    expect(describePrevious(view("today"))).toBe("yesterday by this time");
    expect(describePrevious(view("7d"))).toBe("the 7 days before");
    expect(describePrevious(view("30d"))).toBe("the 30 days before");
    expect(describePrevious(view("custom", "2026-03-01", "2026-03-31"))).toBe("the 31 days before");
    expect(describePrevious(view("custom", "2026-03-29", "2026-03-29"))).toBe("the day before");
  });
});

describe("describeRangeDates", () => {
  it("writes a preset's dates, so an exported image says which days it shows", () => {
    const view = (range: "today" | "7d" | "30d") => ({ range, from: "", to: "" });
    expect(describeRangeDates(view("7d"), "2026-12-07")).toBe("1 Dec – 7 Dec 2026");
    expect(describeRangeDates(view("30d"), "2026-01-10")).toBe("12 Dec 2025 – 10 Jan 2026");
    expect(describeRangeDates(view("today"), "2026-12-07")).toMatch(/7 Dec 2026/);
  });
});
