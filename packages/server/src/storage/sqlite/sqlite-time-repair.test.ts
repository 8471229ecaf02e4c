// Migration 7 on a file written before event times were bounded: the events out of bounds and
// what they added go, and every read, the analytics index and erasure agree afterwards.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { expectRepairedHistory, historyBeforeRepair } from "../../testing/repaired-history.js";
import { EVENT_TIME_FLOOR_MS } from "../event-time-bounds.js";
import { SLOT_MS } from "../storage.js";
import { openSqliteStorage } from "./sqlite-storage.js";
import { REPAIR_CEILING_SLACK_MS } from "./sqlite-time-repair.js";

const dir = mkdtempSync(join(tmpdir(), "rollcall-time-repair-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DAY = 86_400_000;

/** A file at schema 6 holding what the unbounded tracker let in. */
async function fileFromBefore(file: string, good: number): Promise<void> {
  const storage = openSqliteStorage(file);
  await storage.migrate();
  await storage.writeFacts(historyBeforeRepair(good));
  await storage.close();
  const db = new Database(file);
  db.prepare("DELETE FROM schema_migrations WHERE version = 7").run();
  db.close();
}

function outOfWindow(file: string, ceiling: number): Record<string, number> {
  const db = new Database(file, { readonly: true });
  const floorSlot = Math.floor(EVENT_TIME_FLOOR_MS / SLOT_MS);
  const ceilingSlot = Math.floor(ceiling / SLOT_MS);
  const count = (sql: string, ...args: number[]) =>
    Number(
      db
        .prepare(sql)
        .pluck()
        .get(...args),
    );
  try {
    return {
      events: count(
        "SELECT count(*) FROM events WHERE ts < ? OR ts > ?",
        EVENT_TIME_FLOOR_MS,
        ceiling,
      ),
      activity_slots: count(
        "SELECT count(*) FROM activity_slots WHERE slot < ? OR slot > ?",
        floorSlot,
        ceilingSlot,
      ),
      event_counts: count(
        "SELECT count(*) FROM event_counts WHERE slot < ? OR slot > ?",
        floorSlot,
        ceilingSlot,
      ),
      user_apps: count(
        "SELECT count(*) FROM user_apps WHERE first_active_at < ? OR last_active_at > ?",
        EVENT_TIME_FLOOR_MS,
        ceiling,
      ),
    };
  } finally {
    db.close();
  }
}

describe("migration 7: event times within bounds", () => {
  it("drops the events out of bounds and their rollups; reads, analytics and erasure agree", async () => {
    const file = join(dir, "before.sqlite");
    const good = Math.floor((Date.now() - 2 * DAY) / SLOT_MS) * SLOT_MS + 60_000;
    await fileFromBefore(file, good);

    const storage = openSqliteStorage(file, { writerThread: true });
    expect((await storage.migrate()).applied).toEqual([7]);
    const ceiling = Date.now() + REPAIR_CEILING_SLACK_MS;
    expect(outOfWindow(file, ceiling)).toEqual({
      events: 0,
      activity_slots: 0,
      event_counts: 0,
      user_apps: 0,
    });
    expect(await storage.countEvents("p1")).toBe(3);
    await storage.warmUp(["message"]);

    // Last activity is now the start of the latest slot left; essay knew only Cy's bad event.
    const slot = await expectRepairedHistory(storage, good);
    const everything = { start: Math.floor(EVENT_TIME_FLOOR_MS / SLOT_MS), end: slot + 96 };
    expect(
      await storage.countActiveUsers({ platform: "p1", app: "math" }, [
        everything,
        { start: slot, end: slot + 1 },
      ]),
    ).toEqual([3, 2]);
    const exported: unknown[] = [];
    for await (const row of storage.exportRows("p1", "events")) exported.push(row.ts);
    expect(exported.sort()).toEqual([good, good, good + SLOT_MS].sort());

    await storage.deleteUser("p1", "ana");
    expect(await storage.countEvents("p1")).toBe(2);
    expect(await storage.countActiveUsers({ platform: "p1", app: "math" }, [everything])).toEqual([
      2,
    ]);
    await storage.close();

    // After a restart the index, loaded from the repaired file, says the same.
    const reopened = openSqliteStorage(file, { writerThread: true });
    expect((await reopened.migrate()).applied).toEqual([]);
    expect(await reopened.countActiveUsers({ platform: "p1", app: "math" }, [everything])).toEqual([
      2,
    ]);
    await reopened.close();
  });
});
