// Writing a batch costs the same few statements whatever its size, and none for what it lacks.
import { describe, expect, it } from "vitest";
import { emptyFactBatch, type FactBatch } from "../storage.js";
import { factStatements } from "./postgres-facts.js";

const T0 = Date.UTC(2026, 10, 2, 9, 0, 0);

function fullBatch(size: number): FactBatch {
  const batch = emptyFactBatch();
  for (let n = 0; n < size; n++) {
    const key = { platform: "p1", user: `u${n}` };
    batch.users.push({ platform: "p1", id: key.user, name: "N", email: "e", role: "R" });
    batch.sessionsStarted.push({ ...key, startedAt: T0 });
    batch.sessionsSeen.push({ ...key, startedAt: T0, at: T0 + n });
    batch.sessionsEnded.push({ ...key, startedAt: T0, endedAt: T0 + 2 * n });
    const page = { path: "/a", title: "A", app: "math" };
    batch.visitsStarted.push({ ...key, tab: "t", page, startedAt: T0 });
    batch.visitsEnded.push({ ...key, tab: "t", startedAt: T0, endedAt: T0 + n });
    batch.activeStarted.push({ ...key, app: "math", startedAt: T0 });
    batch.activeEnded.push({ ...key, app: "math", startedAt: T0, endedAt: T0 + n });
    batch.activeSeen.push({ ...key, app: null, at: T0 + n });
    batch.events.push({ ...key, id: `e${n}`, name: "message", app: null, ts: T0, props: null });
  }
  return batch;
}

describe("PostgreSQL fact statements", () => {
  it("writes a batch of any size in eight statements at most", () => {
    expect(factStatements(fullBatch(1), T0)).toHaveLength(8);
    expect(factStatements(fullBatch(5_000), T0)).toHaveLength(8);
  });

  it("costs nothing for an empty batch and one statement for events alone", () => {
    expect(factStatements(emptyFactBatch(), T0)).toEqual([]);
    const events = fullBatch(100).events;
    expect(factStatements({ ...emptyFactBatch(), events }, T0)).toHaveLength(1);
  });

  it("binds each kind of row once: duplicates keep the first start and the last end", () => {
    const batch = emptyFactBatch();
    const key = { platform: "p1", user: "u1" };
    batch.events.push(
      { ...key, id: "e1", name: "first", app: null, ts: T0, props: null },
      { ...key, id: "e1", name: "retry", app: null, ts: T0, props: null },
    );
    batch.sessionsEnded.push(
      { ...key, startedAt: T0, endedAt: T0 + 1 },
      { ...key, startedAt: T0, endedAt: T0 + 2 },
    );
    const [sessions, events] = factStatements(batch, T0);
    expect(sessions?.values.slice(4)).toEqual([["p1"], ["u1"], [T0], [T0 + 2]]);
    expect(events?.values[3]).toEqual(["first"]);
  });
});
