// The in-memory index against the SQL it replaces: random facts, random windows and tables, same answers.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { seededRandom } from "../../testing/seeded-random.js";
import { userTableQuery } from "../../testing/user-table-query.js";
import { countActiveUsers, defineUnicodeLower, userTable } from "../sqlite/sqlite-analytics.js";
import { openSqliteStorage } from "../sqlite/sqlite-storage.js";
import {
  type AppScope,
  emptyFactBatch,
  type FactBatch,
  SLOT_MS,
  type SlotWindow,
  type Storage,
  type UserTableQuery,
} from "../storage.js";
import { compareCodePoints } from "./indexed-users.js";
import { KeyedColumns } from "./keyed-columns.js";
import { windowMasks } from "./scope-activity.js";

const dir = mkdtempSync(join(tmpdir(), "rollcall-index-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DAY_SLOTS = 96;
const BASE_SLOT = 20_000 * DAY_SLOTS + 7; // not on a day boundary
const APPS = ["math", "essay", null];
const NAMES = ["Ana", "ana", "Ben", "Émile", "zoë", "😀 Smile", "\uE000 private", "Cy", "dee"];

function randomBatch(random: () => number, users: number, size: number, seq: { n: number }) {
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)] as T;
  const batch: FactBatch = emptyFactBatch();
  const user = () => `u${Math.floor(random() * users)}`;
  for (let i = 0; i < size; i++) {
    const at =
      (BASE_SLOT + Math.floor(random() * 10 * DAY_SLOTS)) * SLOT_MS +
      Math.floor(random() * SLOT_MS);
    const r = random();
    if (r < 0.15) {
      const id = user();
      // Users 0–9 stay unregistered: active, but not in the table.
      if (id.length > 2 || Number(id.slice(1)) >= 10) {
        batch.users.push({
          platform: "p1",
          id,
          name: pick(NAMES),
          email: `${id}@x.example`,
          role: "Learner",
        });
      }
    } else if (r < 0.3) {
      const startedAt = at;
      batch.activeEnded.push({
        platform: "p1",
        user: user(),
        app: pick(APPS),
        startedAt,
        endedAt: startedAt + Math.floor(random() * 3 * 3_600_000),
      });
    } else {
      seq.n++;
      batch.events.push({
        platform: "p1",
        // Some ids repeat: a retried event changes nothing.
        id: `e${random() < 0.05 ? Math.floor(random() * seq.n) : seq.n}`,
        user: user(),
        name: random() < 0.6 ? "message" : pick(["view", "chat"]),
        app: pick(APPS),
        ts: at,
        props: null,
      });
    }
  }
  return batch;
}

function randomWindows(random: () => number): SlotWindow[] {
  const windows: SlotWindow[] = [];
  for (let i = 0; i < 40; i++) {
    const start = BASE_SLOT - DAY_SLOTS + Math.floor(random() * 12 * DAY_SLOTS);
    const kind = random();
    const length =
      kind < 0.4
        ? 4
        : kind < 0.7
          ? DAY_SLOTS + Math.floor(random() * 9) - 4
          : Math.floor(random() * 900) - 5;
    windows.push({ start, end: start + length });
  }
  // Local days in a row, as active users over time asks: each starts in the UTC day before
  // (+01:00, +05:30) or ends in the day after (−03:00), so most reach one mask word of a day.
  const offset = [4, 22, -12][Math.floor(random() * 3)] as number;
  for (let day = -1; day < 10; day++) {
    const start = BASE_SLOT + day * DAY_SLOTS - offset;
    windows.push({ start, end: start + DAY_SLOTS });
  }
  // Whole UTC days, their first slots and their last (counted from first and last slots).
  for (let i = 0; i < 6; i++) {
    const dayStart = (Math.floor(BASE_SLOT / DAY_SLOTS) + Math.floor(random() * 11)) * DAY_SLOTS;
    const cut = 1 + Math.floor(random() * (DAY_SLOTS - 1));
    windows.push({ start: dayStart, end: dayStart + DAY_SLOTS });
    windows.push({ start: dayStart, end: dayStart + cut });
    windows.push({ start: dayStart + cut, end: dayStart + DAY_SLOTS });
  }
  return windows;
}

function randomTableQuery(random: () => number): UserTableQuery {
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)] as T;
  const start = BASE_SLOT + Math.floor(random() * 8 * DAY_SLOTS) - DAY_SLOTS;
  const limit = pick([null, 5, 50]);
  return {
    scope: { platform: "p1", app: pick(["math", "essay", "", null]) },
    messages: { start, end: start + Math.floor(random() * 6 * DAY_SLOTS) },
    messageNames: pick([["message"], ["message", "chat"]]),
    q: pick([null, null, "AN", "é", "ÉMI", "x.example", "u1"]),
    inactiveBefore:
      random() < 0.3 ? (BASE_SLOT + Math.floor(random() * 10 * DAY_SLOTS)) * SLOT_MS : null,
    minMessages: pick([0, 0, 1, 3]),
    sort: pick(["name", "messagesSent", "lastActiveAt"] as const),
    order: pick(["asc", "desc"] as const),
    limit,
    offset: limit === null ? 0 : pick([0, 0, 3, 40]),
  };
}

/** The SQL the index replaced, on its own connection: the reference. */
function reference(file: string) {
  const db = new Database(file, { readonly: true });
  defineUnicodeLower(db);
  const statements = new Map<string, Database.Statement>();
  const stmt = (sql: string) => {
    let found = statements.get(sql);
    if (!found) {
      found = db.prepare(sql);
      statements.set(sql, found);
    }
    return found;
  };
  return {
    count: (scope: AppScope, windows: SlotWindow[]) => countActiveUsers(stmt, scope, windows),
    table: (query: UserTableQuery) => userTable(stmt, query),
    close: () => db.close(),
  };
}

async function expectSameAnswers(storage: Storage, file: string, random: () => number) {
  const sql = reference(file);
  try {
    for (const app of ["math", "essay", "", null]) {
      const scope = { platform: "p1", app };
      const windows = randomWindows(random);
      expect({ scope, counts: await storage.countActiveUsers(scope, windows) }).toEqual({
        scope,
        counts: sql.count(scope, windows),
      });
    }
    for (let i = 0; i < 25; i++) {
      const query = randomTableQuery(random);
      expect({ query, table: await storage.userTable(query) }).toEqual({
        query,
        table: sql.table(query),
      });
    }
  } finally {
    sql.close();
  }
}

describe("the activity index", () => {
  for (const seed of [1, 2, 3]) {
    it(`answers as the SQL does, built from the file and kept by writes and erasures (seed ${seed})`, async () => {
      const random = seededRandom(seed);
      const file = join(dir, `seed-${seed}.sqlite`);
      const seq = { n: 0 };
      const writer = openSqliteStorage(file);
      await writer.migrate();
      for (let i = 0; i < 4; i++) await writer.writeFacts(randomBatch(random, 60, 300, seq));
      await writer.close();

      // Built from the file at the first read…
      const storage = openSqliteStorage(file);
      await expectSameAnswers(storage, file, random);
      // …then kept current by the writes and erasures that follow.
      for (let i = 0; i < 3; i++) await storage.writeFacts(randomBatch(random, 80, 300, seq));
      await storage.deleteUser("p1", "u11");
      await storage.deleteUser("p1", "u3");
      await storage.writeFacts(randomBatch(random, 80, 200, seq));
      await expectSameAnswers(storage, file, random);
      await storage.close();
    });
  }

  it("loads beside the writer thread, a slice at a time, while batches and erasures go on", async () => {
    const random = seededRandom(9);
    const file = join(dir, "sliced.sqlite");
    const seq = { n: 0 };
    const writer = openSqliteStorage(file);
    await writer.migrate();
    for (let i = 0; i < 12; i++) await writer.writeFacts(randomBatch(random, 60, 300, seq));
    await writer.close();

    const storage = openSqliteStorage(file, { writerThread: true, loadSliceRows: 1 });
    // The thread up and running first (a batch before the load: in its snapshot).
    await storage.writeFacts(randomBatch(random, 80, 50, seq));
    let loaded = false;
    const loading = storage.warmUp(["message"]).then(() => {
      loaded = true;
    });
    const committedDuringLoad: boolean[] = [];
    const during = [
      storage.writeFacts(randomBatch(random, 80, 100, seq)),
      storage.deleteUser("p1", "u11"),
      storage.writeFacts(randomBatch(random, 80, 100, seq)),
    ].map((done) => done.then(() => committedDuringLoad.push(!loaded)));
    await Promise.all([loading, ...during]);
    // The batches were not held for the load, and the index has them exactly once.
    expect(committedDuringLoad).toContain(true);
    await expectSameAnswers(storage, file, random);
    await storage.close();
  });

  it("sees what another connection wrote (a CLI import while the server runs)", async () => {
    const file = join(dir, "outside.sqlite");
    const storage = openSqliteStorage(file);
    await storage.migrate();
    const batch = emptyFactBatch();
    batch.users.push({ platform: "p1", id: "ana", name: "Ana", email: "a@x", role: "Learner" });
    await storage.writeFacts(batch);
    const query = userTableQuery({ start: 0, end: 1 });
    expect((await storage.userTable(query)).total).toBe(1);
    const other = openSqliteStorage(file);
    const more = emptyFactBatch();
    more.users.push({ platform: "p1", id: "ben", name: "Ben", email: "b@x", role: "Learner" });
    await other.writeFacts(more);
    await other.close();
    expect((await storage.userTable(query)).rows.map((row) => row.id)).toEqual(["ana", "ben"]);
    await storage.close();
  });
});

describe("keyed columns", () => {
  it("finds, adds and removes keys in any order, through tail merges", () => {
    const table = new KeyedColumns(2);
    const random = seededRandom(7);
    const expected = new Map<number, number>();
    for (let i = 0; i < 5_000; i++) {
      const key = Math.floor(random() * 3_000);
      if (random() < 0.1) {
        expect(table.remove(key)).toBe(expected.delete(key));
        continue;
      }
      const row = table.upsert(key);
      table.set(row, 1, table.get(row, 1) + 1);
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    expect(table.size).toBe(expected.size);
    for (const [key, count] of expected) expect(table.get(table.find(key), 1)).toBe(count);
    expect(table.find(-5)).toBe(-1);
  });

  it("finds keys asked in ascending order as find does, sorted rows and tail alike", () => {
    const table = new KeyedColumns(1);
    const random = seededRandom(11);
    for (let i = 0; i < 2_000; i++) table.upsert(Math.floor(random() * 10_000) * 2);
    // A few keys past the sorted ones, some out of order: they wait in the tail.
    for (const key of [30_001, 20_003, 20_001, 40_000, 5]) table.upsert(key);
    for (const step of [1, 3, 37, 1_000]) {
      const cursor = { at: 0 };
      for (let key = -1; key < 41_000; key += step) {
        expect(table.findAscending(key, cursor)).toBe(table.find(key));
      }
    }
    // Out of order, the search starts over.
    const cursor = { at: 0 };
    for (const key of [40_000, 5, 20_001, 2, 30_001, 0]) {
      expect(table.findAscending(key, cursor)).toBe(table.find(key));
    }
  });
});

describe("slot masks and ordering", () => {
  it("masks any run of a day's 96 slots", () => {
    expect(windowMasks(0, 96)).toEqual([-1, -1, -1]);
    expect(windowMasks(0, 0)).toEqual([0, 0, 0]);
    expect(windowMasks(31, 33)).toEqual([1 << 31, 1, 0]);
    expect(windowMasks(64, 95)).toEqual([0, 0, 0x7fffffff]);
  });

  it("orders strings as UTF-8 bytes do", () => {
    const words = ["b", "a", "\uE000", "😀", "é", "ab", ""];
    const bytes = [...words].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect([...words].sort(compareCodePoints)).toEqual(bytes);
  });
});
