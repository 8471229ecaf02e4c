// Erasing a user from PostgreSQL, where neither the events nor the rollups are indexed by user:
// no row naming them is left, every other user's rows stay, other nodes go on writing while a
// long history is erased, and a write of theirs racing the erasure on another node either goes
// with them or stays in the database and the index alike.
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { emptyFactBatch, type FactBatch, SLOT_MS, type Storage } from "../storage.js";
import { ERASE_CHUNK_SLOTS } from "./postgres-erasure.js";
import { openPostgresStorage } from "./postgres-storage.js";
import {
  IS_POSTGRES_REQUIRED,
  isPostgresReachable,
  TestDatabases,
  testServerName,
} from "./postgres-test-database.js";

const isSkipped = !IS_POSTGRES_REQUIRED && !(await isPostgresReachable());
const databases = new TestDatabases("erasure");
afterAll(() => databases.dropAll(), 300_000);

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
const NONE = Object.fromEntries(USER_COLUMNS.map(([table]) => [table, 0]));

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

async function rowsOf(url: string, user: string): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const counts: Record<string, number> = {};
    for (const [table, column] of USER_COLUMNS) {
      const { rows } = await client.query(
        `SELECT count(*) AS n FROM ${table} WHERE ${column} = $1`,
        [user],
      );
      counts[table] = Number(rows[0].n);
    }
    return counts;
  } finally {
    await client.end();
  }
}

/** Everything, as one window of slots. */
const EVERYTHING = [{ start: 0, end: Math.floor(T0 / SLOT_MS) + 400 * 96 }];

async function activeUsers(storage: Storage): Promise<number[]> {
  return storage.countActiveUsers({ platform: "p1", app: null }, EVERYTHING);
}

/** A user active without a break for `slots` slots from T0, with a message in each of them. */
function longHistory(user: string, slots: number): FactBatch {
  const batch = history(user, 1);
  batch.activeEnded.push({
    platform: "p1",
    user,
    app: "math",
    startedAt: T0,
    endedAt: T0 + slots * SLOT_MS,
  });
  for (let i = 0; i < slots; i++) {
    batch.events.push({
      platform: "p1",
      id: `${user}-long-${i}`,
      user,
      name: "message",
      app: "math",
      ts: T0 + i * SLOT_MS,
      props: null,
    });
  }
  return batch;
}

/** `long`'s history: three chunks of slots and some, from this slot on. */
const LONG_SLOTS = 3 * ERASE_CHUNK_SLOTS + 17;
const FIRST_SLOT = Math.floor(T0 / SLOT_MS);

/**
 * Two nodes on a fresh database, `long` and `ben` written by one; another connection holds a row
 * of long's second chunk, where an erasure of long stops after its first step and first chunk.
 */
async function longHistoryHeld() {
  const url = await databases.create();
  const writer = openPostgresStorage(url);
  const eraser = openPostgresStorage(url);
  const holder = new pg.Client({ connectionString: url });
  const close = async () => {
    await holder.end().catch(() => undefined);
    await writer.close();
    await eraser.close();
  };
  try {
    await writer.migrate();
    await eraser.warmUp(["message"]);
    await writer.writeFacts(longHistory("long", LONG_SLOTS));
    await writer.writeFacts(history("ben", 9));
    const ben = await rowsOf(url, "ben");
    await holder.connect();
    await holder.query("BEGIN");
    await holder.query(
      "SELECT 1 FROM activity_slots WHERE user_id = 'long' AND slot = $1 FOR UPDATE",
      [FIRST_SLOT + ERASE_CHUNK_SLOTS + 5],
    );
    return { url, writer, eraser, holder, ben, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Nothing of `long` is left, nor the erasure's row, `ben`'s rows are as they were, and these
 * nodes and a fresh one count `others` active users.
 */
async function expectOnlyOthersLeft(
  url: string,
  ben: Record<string, number>,
  nodes: Storage[],
  others: number,
): Promise<void> {
  expect(await rowsOf(url, "long")).toEqual(NONE);
  expect(await rowsOf(url, "ben")).toEqual(ben);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query("SELECT count(*) AS n FROM erasures");
  await client.end();
  expect(Number(rows[0].n)).toBe(0);
  const fresh = openPostgresStorage(url);
  try {
    for (const node of [fresh, ...nodes]) expect(await activeUsers(node)).toEqual([others]);
  } finally {
    await fresh.close();
  }
}

/**
 * Waits (up to a minute) until a connection to the database at `url` waits for a lock. Asked
 * from a connection outside any transaction: inside one, pg_stat_activity stays as first read.
 */
async function untilWaitingForLock(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const { rows } = await client.query(
        `SELECT count(*) AS n FROM pg_stat_activity
         WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      if (Number(rows[0].n) > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error("no connection waited for the held row within a minute");
  } finally {
    await client.end();
  }
}

/** `work`, or a failure naming `what` once it has taken a minute. */
async function withinAMinute<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over a minute`)), 60_000);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

describe.skipIf(isSkipped)(
  isSkipped
    ? `erasing a user from PostgreSQL (skipped: no PostgreSQL server answers at ${testServerName()})`
    : "erasing a user from PostgreSQL",
  () => {
    it("leaves no row of theirs in any table, and every other user's", async () => {
      const url = await databases.create();
      const writer = openPostgresStorage(url);
      const eraser = openPostgresStorage(url);
      try {
        await writer.migrate();
        await eraser.warmUp(["message"]);
        await writer.writeFacts(history("ana", 60));
        await writer.writeFacts(history("ben", 45));
        // Retention dropped the first weeks' events; their rollups are still there to erase.
        await writer.deleteEventsBefore(T0 + 20 * DAY_MS, 10_000);
        const ben = await rowsOf(url, "ben");
        const ana = await rowsOf(url, "ana");
        expect(ana.activity_slots).toBeGreaterThan(ana.event_counts as number);
        expect(ana.events).toBeGreaterThan(0);

        // Another node erases: its index learns ana's slots from the log.
        await eraser.deleteUser("p1", "ana");
        expect(await rowsOf(url, "ana")).toEqual(NONE);
        expect(await rowsOf(url, "ben")).toEqual(ben);
        expect(await activeUsers(writer)).toEqual([1]);
        await eraser.deleteUser("p1", "nobody");
        expect(await rowsOf(url, "ben")).toEqual(ben);
      } finally {
        await writer.close();
        await eraser.close();
      }
    });

    it("lets every node write while it erases a long history, and takes what was written for the user meanwhile", async () => {
      const { url, writer, eraser, holder, ben, close } = await longHistoryHeld();
      try {
        let isErased = false;
        const erasing = eraser.deleteUser("p1", "long").then(() => {
          isErased = true;
        });
        await untilWaitingForLock(url);

        // Meanwhile another node writes: someone else, and the user in a slot already erased,
        // one not reached yet and one never used.
        await withinAMinute(writer.writeFacts(history("cy", 3)), "another user's write");
        const late = emptyFactBatch();
        for (const [i, slot] of [3, 3 * ERASE_CHUNK_SLOTS, LONG_SLOTS + 500].entries()) {
          late.events.push({
            platform: "p1",
            id: `long-late-${i}`,
            user: "long",
            name: "message",
            app: "math",
            ts: (FIRST_SLOT + slot) * SLOT_MS,
            props: null,
          });
        }
        await withinAMinute(writer.writeFacts(late), "the erased user's late write");
        expect(isErased).toBe(false);

        await holder.query("COMMIT");
        await withinAMinute(erasing, "the erasure");
        expect((await rowsOf(url, "cy")).events).toBe(history("cy", 3).events.length);
        await expectOnlyOthersLeft(url, ben, [writer, eraser], 2);
      } finally {
        await close();
      }
    }, 240_000);

    it("cut short mid-way, finishes when asked again, on any node", async () => {
      const { url, writer, eraser, holder, ben, close } = await longHistoryHeld();
      try {
        // The eraser's connection dies while its second chunk waits for the held row.
        const erasing = eraser.deleteUser("p1", "long").then(
          () => "erased",
          () => "failed",
        );
        await untilWaitingForLock(url);
        await holder.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
           WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        expect(await withinAMinute(erasing, "the cut erasure")).toBe("failed");
        await holder.query("COMMIT");
        const left = await rowsOf(url, "long");
        expect(left.events).toBeGreaterThan(0);
        expect(left.activity_slots).toBeGreaterThan(0);
        // Out of the analytics already, on every node.
        expect(await activeUsers(writer)).toEqual([1]);
        expect(await activeUsers(eraser)).toEqual([1]);

        // Asked again of the other node, whose index no longer holds the user's slots.
        await writer.deleteUser("p1", "long");
        await expectOnlyOthersLeft(url, ben, [writer, eraser], 1);
      } finally {
        await close();
      }
    }, 240_000);

    it("agrees with the index about a write of theirs that raced it on another node", async () => {
      const url = await databases.create();
      const writer = openPostgresStorage(url);
      const eraser = openPostgresStorage(url);
      try {
        await writer.migrate();
        await eraser.warmUp(["message"]);
        for (let round = 0; round < 6; round++) {
          const user = `dee-${round}`;
          await writer.writeFacts(history(user, 6));
          await eraser.warmUp(["message"]);
          // Late events in slots the user was never active in before, started at once.
          const late = emptyFactBatch();
          for (let i = 0; i < 3; i++) {
            late.events.push({
              platform: "p1",
              id: `${user}-late-${i}`,
              user,
              name: "message",
              app: "late-app",
              ts: T0 + 30 * DAY_MS + i * 50 * SLOT_MS,
              props: null,
            });
          }
          const delay = (round % 3) * 2;
          await Promise.all([
            eraser.deleteUser("p1", user),
            new Promise((resolve) => setTimeout(resolve, delay)).then(() =>
              writer.writeFacts(late),
            ),
          ]);
          const rows = await rowsOf(url, user);
          // Written first: erased with the rest. Written after: the late events alone stay.
          if (rows.events === 0) expect(rows).toEqual(NONE);
          else expect(rows.events).toBe(3);
          const fresh = openPostgresStorage(url);
          try {
            expect(await activeUsers(eraser)).toEqual(await activeUsers(fresh));
            expect(await activeUsers(writer)).toEqual(await activeUsers(fresh));
          } finally {
            await fresh.close();
          }
        }
      } finally {
        await writer.close();
        await eraser.close();
      }
    });
  },
);
