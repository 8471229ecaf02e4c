import { describe, expect, it } from "vitest";
import { demoPeople } from "./demo-catalog.js";
import { demoHistory } from "./demo-history.js";

const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);
const DAY = 86_400_000;

describe("demoHistory", () => {
  const people = demoPeople(36);
  const events = demoHistory("default", people, NOW, 28);

  it("is the same on every run, so a second backfill stores nothing new", () => {
    expect(demoHistory("default", people, NOW, 28)).toEqual(events);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
  });

  it("is busier on weekdays than at weekends", () => {
    const perDay = [0, 0, 0, 0, 0, 0, 0];
    for (const e of events) perDay[new Date(e.ts).getUTCDay()]! += 1;
    const weekday = (perDay[1]! + perDay[2]! + perDay[3]! + perDay[4]! + perDay[5]!) / 5;
    const weekend = (perDay[0]! + perDay[6]!) / 2;
    expect(weekday).toBeGreaterThan(weekend * 1.5);
  });

  it("has a quiet group that stopped coming after the first week, and nothing in the future", () => {
    const lastSeen = new Map<string, number>();
    for (const e of events) lastSeen.set(e.user, Math.max(lastSeen.get(e.user) ?? 0, e.ts));
    const quiet = people.filter((p) => (lastSeen.get(p.id) ?? 0) < NOW - 14 * DAY);
    expect(quiet.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...events.map((e) => e.ts))).toBeLessThanOrEqual(NOW);
  });
});
