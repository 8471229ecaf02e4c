// What a storage must answer after the event-time repair migration, whatever its adapter: the
// history both repair tests write (Ana, Ben and Cy in "math", with events out of bounds).
import { expect } from "vitest";
import { emptyFactBatch, type FactBatch, SLOT_MS, type Storage } from "../storage/storage.js";
import { userTableQuery } from "./user-table-query.js";

/**
 * The history as written before the repair: Ana, Ben and Cy in "math" at `good` (Ben a slot
 * later), Ana with events in 1990 and at 9e15, and Cy's only activity in "essay" at 9e15.
 */
export function historyBeforeRepair(good: number): FactBatch {
  const event = (user: string, id: string, ts: number, app = "math") => ({
    platform: "p1",
    id,
    user,
    name: "message",
    app,
    ts,
    props: null,
  });
  return {
    ...emptyFactBatch(),
    users: ["ana", "ben", "cy"].map((id) => ({
      platform: "p1",
      id,
      name: id,
      email: `${id}@x.test`,
      role: "",
    })),
    events: [
      event("ana", "a-good", good),
      event("ana", "a-future", 9e15),
      event("ana", "a-1990", Date.UTC(1990, 0, 1)),
      event("ben", "b-good", good + SLOT_MS),
      event("cy", "c-good", good),
      event("cy", "c-essay", 9e15, "essay"),
    ],
  };
}

/**
 * What the repair leaves of `historyBeforeRepair`: the good events (Ana's and Cy's at `good`, Ben's a slot later); Ana's and Cy's out of
 * bounds are gone, with "essay", which knew only Cy's bad one. Returns the slot of `good`.
 */
export async function expectRepairedHistory(storage: Storage, good: number): Promise<number> {
  expect(await storage.countEvents("p1")).toBe(3);
  expect(await storage.listApps("p1")).toEqual([
    { id: "math", users: 3, lastActivityAt: good + SLOT_MS },
  ]);
  expect(await storage.countKnownUsers({ platform: "p1", app: "essay" })).toBe(0);
  const slot = Math.floor(good / SLOT_MS);
  const table = await storage.userTable(
    userTableQuery(
      { start: slot - 96, end: slot + 96 },
      { scope: { platform: "p1", app: "math" } },
    ),
  );
  expect(table.rows.map((r) => [r.id, r.messagesSent, r.lastActiveAt])).toEqual([
    ["ana", 1, good - 60_000],
    ["ben", 1, good + SLOT_MS],
    ["cy", 1, good],
  ]);
  return slot;
}
