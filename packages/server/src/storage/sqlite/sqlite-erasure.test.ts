// Erasing a user from the SQLite file: no row naming them is left in any table, though neither
// the events nor the rollups are indexed by user, and every other user's rows stay as they were.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { userTableQuery } from "../../testing/user-table-query.js";
import { emptyFactBatch, type FactBatch, SLOT_MS, type Storage } from "../storage.js";
import { ERASE_CHUNK_SLOTS } from "./sqlite-erasure.js";
import { openSqliteStorage } from "./sqlite-storage.js";

const dir = mkdtempSync(join(tmpdir(), "rollcall-erasure-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T0 = Date.UTC(2026, 10, 2, 9, 7, 0);
const DAY_MS = 86_400_000;
/** Every table with a column naming a user. */
const USER_COLUMNS = [
  ["users", "id"],
  ["sessions", "user_id"],
  ["page_visits", "user_id"],
  ["active_intervals", "user_id"],
  ["activity_slots", "user_id"],
  ["event_counts", "user_id"],
  ["user_apps", "user_id"],
  ["events", "user_id"],
] as const;

/** A user's life over `days` days: sessions, visits, long activity and events in three apps. */
function history(user: string, days: number): FactBatch {
  const batch = emptyFactBatch();
  batch.users.push({ platform: "p1", id: user, name: user, email: `${user}@x.test`, role: "R" });
  for (let day = 0; day < days; day += 3) {
    const at = T0 + day * DAY_MS;
    batch.sessionsStarted.push({ platform: "p1", user, startedAt: at });
    batch.sessionsEnded.push({ platform: "p1", user, startedAt: at, endedAt: at + 3_600_000 });
    batch.visitsStarted.push({
      platform: "p1",
      user,
      tab: `tab-${day}`,
      page: { path: "/a", title: "A", app: "math" },
      startedAt: at,
    });
    // Active for five hours in an app: slots with no event in them.
    batch.activeEnded.push({
      platform: "p1",
      user,
      app: "essay",
      startedAt: at,
      endedAt: at + 5 * 3_600_000,
    });
    for (const [i, app] of ["math", "essay", null].entries()) {
      for (const name of ["message", "view", "a name with spaces"]) {
        batch.events.push({
          platform: "p1",
          id: `${user}-${day}-${i}-${name}`,
          user,
          name,
          app,
          ts: at + i * 7 * SLOT_MS + name.length,
          props: null,
        });
      }
    }
  }
  return batch;
}

/** `long`, active without a break for `slots` slots from T0, with a message in each of them. */
function longHistory(slots: number): FactBatch {
  const batch = history("long", 1);
  batch.activeEnded.push({
    platform: "p1",
    user: "long",
    app: "math",
    startedAt: T0,
    endedAt: T0 + slots * SLOT_MS,
  });
  for (let i = 0; i < slots; i++) {
    batch.events.push({
      platform: "p1",
      id: `long-${i}`,
      user: "long",
      name: "message",
      app: "math",
      ts: T0 + i * SLOT_MS,
      props: null,
    });
  }
  return batch;
}

function rowsOf(file: string, user: string): Record<string, number> {
  const db = new Database(file, { readonly: true });
  try {
    return Object.fromEntries(
      USER_COLUMNS.map(([table, column]) => [
        table,
        Number(db.prepare(`SELECT count(*) FROM ${table} WHERE ${column} = ?`).pluck().get(user)),
      ]),
    );
  } finally {
    db.close();
  }
}

const NONE = Object.fromEntries(USER_COLUMNS.map(([table]) => [table, 0]));

/** Active users over everything written here, for the whole platform. */
async function activeUsers(storage: Storage): Promise<number[]> {
  return storage.countActiveUsers({ platform: "p1", app: null }, [
    { start: 0, end: Math.floor(T0 / SLOT_MS) + 400 * 96 },
  ]);
}

describe("erasing a user from SQLite", () => {
  for (const writerThread of [false, true]) {
    it(`leaves no row of theirs in any table, and every other user's${writerThread ? " (writer thread)" : ""}`, async () => {
      const file = join(dir, `erase-${writerThread}.sqlite`);
      const storage = openSqliteStorage(file, { writerThread });
      await storage.migrate();
      await storage.writeFacts(history("ana", 60));
      await storage.writeFacts(history("ben", 45));
      // Retention dropped the first weeks' events; their rollups are still there to erase.
      await storage.deleteEventsBefore(T0 + 20 * DAY_MS, 10_000);
      const ben = rowsOf(file, "ben");
      const ana = rowsOf(file, "ana");
      expect(ana.activity_slots).toBeGreaterThan(ana.event_counts as number);
      expect(ana.events).toBeLessThan(ana.event_counts as number);

      await storage.deleteUser("p1", "ana");
      expect(rowsOf(file, "ana")).toEqual(Object.fromEntries(USER_COLUMNS.map(([t]) => [t, 0])));
      expect(rowsOf(file, "ben")).toEqual(ben);
      // Erasing someone unknown changes nothing.
      await storage.deleteUser("p1", "nobody");
      expect(rowsOf(file, "ben")).toEqual(ben);
      await storage.close();
    });
  }
});

describe("erasing a user with a long history from SQLite", () => {
  for (const writerThread of [false, true]) {
    it(`lets other writes commit between its chunks${writerThread ? " (writer thread)" : ""}`, async () => {
      const file = join(dir, `erase-chunks-${writerThread}.sqlite`);
      const storage = openSqliteStorage(file, { writerThread });
      await storage.migrate();
      await storage.warmUp(["message"]);
      const slots = 3 * ERASE_CHUNK_SLOTS + 17;
      await storage.writeFacts(longHistory(slots));
      await storage.writeFacts(history("ben", 9));

      const order: string[] = [];
      const erasing = storage.deleteUser("p1", "long").then(() => order.push("erased"));
      await new Promise((resolve) => setImmediate(resolve));
      const other = history("cy", 3);
      const writing = storage.writeFacts(other).then(() => order.push("written"));
      await Promise.all([erasing, writing]);

      expect(order).toEqual(["written", "erased"]);
      expect(rowsOf(file, "long")).toEqual(Object.fromEntries(USER_COLUMNS.map(([t]) => [t, 0])));
      expect(rowsOf(file, "cy").events).toBe(other.events.length);
      expect(
        await storage.countActiveUsers({ platform: "p1", app: "math" }, [
          { start: Math.floor(T0 / SLOT_MS) - 1, end: Math.floor(T0 / SLOT_MS) + slots + 96 },
        ]),
      ).toEqual([2]);
      await storage.close();
    });
  }

  it("erases what was written for the user while the erasure ran", async () => {
    const file = join(dir, "erase-during.sqlite");
    const storage = openSqliteStorage(file, { writerThread: true });
    await storage.migrate();
    await storage.warmUp(["message"]);
    const batch = history("dee", 1);
    batch.activeEnded.push({
      platform: "p1",
      user: "dee",
      app: "math",
      startedAt: T0,
      endedAt: T0 + 2 * ERASE_CHUNK_SLOTS * SLOT_MS,
    });
    await storage.writeFacts(batch);
    const erasing = storage.deleteUser("p1", "dee");
    await new Promise((resolve) => setImmediate(resolve));
    // A late event in a slot already erased, and one in a slot not reached yet.
    const late = emptyFactBatch();
    for (const [i, ts] of [T0 + SLOT_MS, T0 + (2 * ERASE_CHUNK_SLOTS - 1) * SLOT_MS].entries()) {
      late.events.push({
        platform: "p1",
        id: `late-${i}`,
        user: "dee",
        name: "message",
        app: "math",
        ts,
        props: null,
      });
    }
    await Promise.all([erasing, storage.writeFacts(late)]);
    expect(rowsOf(file, "dee")).toEqual(Object.fromEntries(USER_COLUMNS.map(([t]) => [t, 0])));
    await storage.close();
  });

  for (const writerThread of [false, true]) {
    it(`cut short by a failed chunk, finishes when asked again, after a restart too${writerThread ? " (writer thread)" : ""}`, async () => {
      const file = join(dir, `erase-cut-${writerThread}.sqlite`);
      const options = { writerThread, indexSnapshot: `${file}.index` };
      let storage = openSqliteStorage(file, options);
      await storage.migrate();
      await storage.warmUp(["message"]);
      await storage.writeFacts(longHistory(3 * ERASE_CHUNK_SLOTS + 17));
      await storage.writeFacts(history("ben", 9));
      const ben = rowsOf(file, "ben");

      // The second chunk fails (as a crash would stop it) after the first has committed.
      const held = Math.floor(T0 / SLOT_MS) + ERASE_CHUNK_SLOTS + 5;
      const db = new Database(file);
      db.exec(`CREATE TRIGGER cut BEFORE DELETE ON activity_slots WHEN old.slot = ${held}
        BEGIN SELECT RAISE(ABORT, 'cut short'); END`);
      await expect(storage.deleteUser("p1", "long")).rejects.toThrow(/cut short/);
      db.exec("DROP TRIGGER cut");
      db.close();
      expect(rowsOf(file, "long").activity_slots).toBeGreaterThan(0);
      expect(await activeUsers(storage)).toEqual([1]);
      // Another process registers someone (as `rollcall user import` does): the server reads
      // every user again, and the user being erased stays out of the table too.
      const cli = new Database(file);
      cli
        .prepare(
          "INSERT INTO users (platform_id, id, name, email, role, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .run("p1", "new", "New", "new@x.test", "R", Date.now());
      cli.exec("UPDATE user_writes SET count = count + 1 WHERE id = 1");
      cli.close();
      const listed = await storage.userTable(
        userTableQuery({ start: 0, end: Math.floor(T0 / SLOT_MS) + 400 * 96 }),
      );
      expect(listed.rows.map((u) => u.id).sort()).toEqual(["ben", "new"]);

      // Restarted, from the snapshot and the log, and from a full load: still out.
      await storage.close();
      storage = openSqliteStorage(file, options);
      await storage.warmUp(["message"]);
      expect(await activeUsers(storage)).toEqual([1]);
      await storage.close();
      rmSync(`${file}.index`, { force: true });
      storage = openSqliteStorage(file, options);
      await storage.warmUp(["message"]);
      expect(await activeUsers(storage)).toEqual([1]);

      // Asked again: the index holds none of their old slots, the file kept them.
      await storage.deleteUser("p1", "long");
      expect(rowsOf(file, "long")).toEqual(NONE);
      expect(rowsOf(file, "ben")).toEqual(ben);
      expect(await activeUsers(storage)).toEqual([1]);
      await storage.close();
    });
  }
});
