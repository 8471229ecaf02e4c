// What a storage must answer after the event-time repair migration, whatever its adapter: the
// history both repair tests write (Ana, Ben and Cy in "math", with events out of bounds).
import { expect } from "vitest";
import { SLOT_MS, type Storage } from "../storage/storage.js";
import { userTableQuery } from "./user-table-query.js";

/**
 * The good events are left (Ana's and Cy's at `good`, Ben's a slot later); Ana's and Cy's out of
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
