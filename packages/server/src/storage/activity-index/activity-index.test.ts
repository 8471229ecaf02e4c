// The in-memory index against the SQL it replaces: random facts, random windows and tables, same answers.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { expectSameAnswers, randomBatch } from "../../testing/activity-answers.js";
import { seededRandom } from "../../testing/seeded-random.js";
import { userTableQuery } from "../../testing/user-table-query.js";
import { openSqliteStorage } from "../sqlite/sqlite-storage.js";
import { emptyFactBatch } from "../storage.js";
import { compareCodePoints } from "./indexed-users.js";
import { KeyedColumns } from "./keyed-columns.js";
import { windowMasks } from "./scope-activity.js";

const dir = mkdtempSync(join(tmpdir(), "rollcall-index-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

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
