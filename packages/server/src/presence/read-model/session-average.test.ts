// Tests of the Avg session number between two reads of the sessions.
import { describe, expect, it } from "vitest";
import { sessionAverageAt } from "./session-average.js";

describe("sessionAverageAt", () => {
  const snapshot = { totalMs: 600_000, count: 4, growing: 2, at: 1_000_000 };

  it("is the mean at the moment the sessions were read", () => {
    expect(sessionAverageAt(snapshot, 1_000_000)).toEqual({ seconds: 150, growth: 0.5 });
  });

  it("grows with the ongoing sessions as time passes, not with the ended ones", () => {
    // 10 s later: two ongoing sessions gained 10 s each, 20 s over 4 sessions.
    expect(sessionAverageAt(snapshot, 1_010_000).seconds).toBe(155);
  });

  it("is 0 with no sessions, and never runs backwards before the read", () => {
    expect(sessionAverageAt({ totalMs: 0, count: 0, growing: 0, at: 0 }, 5_000)).toEqual({
      seconds: 0,
      growth: 0,
    });
    expect(sessionAverageAt(snapshot, 900_000).seconds).toBe(150);
  });
});
