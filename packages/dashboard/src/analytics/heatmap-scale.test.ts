// Tests of the heatmap's colour scale, legend and hover text.
import { describe, expect, it } from "vitest";
import {
  cellColor,
  describeCell,
  EMPTY_COLOR,
  formatAverage,
  legendStops,
  maxAverage,
  scaleLevel,
  toGrid,
} from "./heatmap-scale";

describe("scaleLevel", () => {
  it("keeps ordinary cells visible next to one outlier", () => {
    // With a linear scale a cell of 1 next to an outlier of 100 would sit at 1 %.
    expect(scaleLevel(1, 100)).toBeCloseTo(0.1);
    expect(scaleLevel(25, 100)).toBeCloseTo(0.5);
    expect(scaleLevel(100, 100)).toBe(1);
  });

  it("is 0 for nothing and never passes 1", () => {
    expect(scaleLevel(0, 10)).toBe(0);
    expect(scaleLevel(3, 0)).toBe(0);
    expect(scaleLevel(20, 10)).toBe(1);
  });
});

describe("cellColor", () => {
  it("tints any activity and leaves none neutral", () => {
    expect(cellColor(0, 5)).toBe(EMPTY_COLOR);
    expect(cellColor(0.01, 5)).not.toBe(EMPTY_COLOR);
  });

  it("darkens as the value grows", () => {
    const lightness = (color: string) =>
      color
        .replace(/[^\d ]/g, "")
        .trim()
        .split(/\s+/)
        .map(Number)
        .reduce((a, b) => a + b, 0);
    expect(lightness(cellColor(1, 9))).toBeGreaterThan(lightness(cellColor(4, 9)));
    expect(lightness(cellColor(4, 9))).toBeGreaterThan(lightness(cellColor(9, 9)));
  });
});

describe("legendStops", () => {
  it("spreads swatches evenly on the square-root scale, from 0 to the max", () => {
    expect(legendStops(16).map((stop) => stop.value)).toEqual([0, 1, 4, 9, 16]);
  });

  it("shows a single empty swatch when there is no activity", () => {
    expect(legendStops(0)).toEqual([{ value: 0, color: EMPTY_COLOR }]);
  });
});

describe("describeCell", () => {
  it("says when, the average and the total it came from", () => {
    const cell = { weekday: 2, hour: 14, average: 3.4, total: 17, occurrences: 5 };
    expect(describeCell(cell)).toBe("Tue 14:00 — average 3.4 users (total 17 over 5 days)");
  });

  it("uses the singular for one user or one day", () => {
    const cell = { weekday: 7, hour: 9, average: 1, total: 1, occurrences: 1 };
    expect(describeCell(cell)).toBe("Sun 09:00 — average 1 user (total 1 over 1 day)");
  });
});

describe("formatAverage", () => {
  it("keeps the decimals that matter", () => {
    expect(formatAverage(0)).toBe("0");
    expect(formatAverage(0.25)).toBe("0.25");
    expect(formatAverage(0.001)).toBe("0");
    expect(formatAverage(3)).toBe("3");
    expect(formatAverage(3.44)).toBe("3.4");
    expect(formatAverage(12.6)).toBe("13");
  });
});

describe("toGrid", () => {
  it("lays cells out Monday first, 24 hours each, filling gaps with zeros", () => {
    const grid = toGrid([
      { weekday: 7, hour: 23, average: 2, total: 8, occurrences: 4 },
      { weekday: 1, hour: 0, average: 1, total: 4, occurrences: 4 },
    ]);
    expect(grid).toHaveLength(7);
    expect(grid.every((row) => row.length === 24)).toBe(true);
    expect(grid[0]![0]!.average).toBe(1);
    expect(grid[6]![23]!.total).toBe(8);
    expect(grid[3]![12]).toEqual({ weekday: 4, hour: 12, average: 0, total: 0, occurrences: 0 });
    expect(maxAverage(grid.flat())).toBe(2);
  });
});
