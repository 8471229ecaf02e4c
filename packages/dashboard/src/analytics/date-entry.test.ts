import { describe, expect, it } from "vitest";
import { parseDateEntry } from "./date-entry";

describe("parseDateEntry", () => {
  it("reads the page's own way of writing a date, and ISO", () => {
    expect(parseDateEntry("3 Nov 2026", 2000)).toBe("2026-11-03");
    expect(parseDateEntry("  03 november 2026 ", 2000)).toBe("2026-11-03");
    expect(parseDateEntry("Tue 3 Nov 2026", 2000)).toBe("2026-11-03");
    expect(parseDateEntry("Nov 3, 2026", 2000)).toBe("2026-11-03");
    expect(parseDateEntry("3-Sept-2026", 2000)).toBe("2026-09-03");
    expect(parseDateEntry("2026-11-03", 2000)).toBe("2026-11-03");
    expect(parseDateEntry("2026-1-3", 2000)).toBe("2026-01-03");
  });

  it("takes the fallback year when none is typed", () => {
    expect(parseDateEntry("29 Feb", 2028)).toBe("2028-02-29");
    expect(parseDateEntry("1 Dec", 2025)).toBe("2025-12-01");
  });

  it("refuses days that do not exist, ambiguous numbers and words that are not months", () => {
    expect(parseDateEntry("31 Nov 2026", 2000)).toBeNull();
    expect(parseDateEntry("29 Feb", 2026)).toBeNull();
    expect(parseDateEntry("2026-02-30", 2000)).toBeNull();
    expect(parseDateEntry("3/11/2026", 2000)).toBeNull();
    expect(parseDateEntry("3 No 2026", 2000)).toBeNull();
    expect(parseDateEntry("3 Nov 26", 2000)).toBeNull();
    expect(parseDateEntry("3 Nov 2026 10", 2000)).toBeNull();
    expect(parseDateEntry("", 2000)).toBeNull();
    expect(parseDateEntry("yesterday", 2000)).toBeNull();
  });
});
