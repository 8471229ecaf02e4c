// Tests of the Avg session card between two updates of the summary.
import type { PresenceSummary } from "@rollcall/protocol";
import { describe, expect, it } from "vitest";
import { avgSessionNow } from "./summary-cards";

const summary: PresenceSummary = {
  totalUsers: 10,
  online: 2,
  idle: 0,
  offline: 8,
  avgSessionSeconds: 300,
  avgSessionGrowth: 0.5,
};

describe("avgSessionNow", () => {
  it("grows by the ongoing sessions' share of each second since the summary came", () => {
    expect(avgSessionNow(summary, 1_000_000, 1_000_000)).toBe(300);
    expect(avgSessionNow(summary, 1_000_000, 1_010_000)).toBe(305);
  });

  it("stays put without ongoing sessions, or from a server that does not say how fast it grows", () => {
    expect(avgSessionNow({ ...summary, avgSessionGrowth: 0 }, 0, 60_000)).toBe(300);
    const { avgSessionGrowth: _, ...older } = summary;
    expect(avgSessionNow(older, 0, 60_000)).toBe(300);
  });
});
