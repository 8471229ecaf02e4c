// Tests of the active-users chart's y-axis top.
import { describe, expect, it } from "vitest";
import { yAxisTop } from "./chart-scale";

describe("yAxisTop", () => {
  it("never goes below 4, so one or two users don't fill the chart", () => {
    expect(yAxisTop(0)).toBe(4);
    expect(yAxisTop(1)).toBe(4);
    expect(yAxisTop(4)).toBe(4);
  });

  it("rounds up to a whole step with a little headroom", () => {
    expect(yAxisTop(5)).toBe(6);
    expect(yAxisTop(25)).toBe(30);
    expect(yAxisTop(96)).toBe(120);
    expect(yAxisTop(1234)).toBe(1500);
  });
});
