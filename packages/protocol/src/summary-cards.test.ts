import { describe, expect, it } from "vitest";
import { countChange, SUMMARY_CARDS } from "./summary-cards.js";

describe("countChange", () => {
  it("gives the delta and its signed, rounded percentage of the count before", () => {
    expect(countChange(12, 8)).toEqual({ delta: 4, percent: 50 });
    expect(countChange(5, 8)).toEqual({ delta: -3, percent: -38 });
    expect(countChange(7, 7)).toEqual({ delta: 0, percent: 0 });
  });

  it("rounds a rise and a fall of the same size alike", () => {
    expect(countChange(3, 200).percent).toBe(-countChange(397, 200).percent!);
    expect(countChange(201, 200).percent).toBe(1);
    expect(countChange(199, 200).percent).toBe(-1);
  });

  it("has no percentage when there was nobody before", () => {
    expect(countChange(4, 0)).toEqual({ delta: 4, percent: null });
    expect(countChange(0, 0)).toEqual({ delta: 0, percent: null });
  });

  it("lists the four cards in the page's order", () => {
    expect(SUMMARY_CARDS.map((card) => card.metric)).toEqual([
      "currentlyOnline",
      "active30d",
      "totalRegistered",
      "activeInRange",
    ]);
  });
});
