// The SQLite writer thread behind the storage: the index stays exact while batches are on the
// thread, another process's user writes are seen, refusals and erasures keep their order, and
// what was committed reaches the file itself while the server keeps writing.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { userTableQuery } from "../../testing/user-table-query.js";
import { emptyFactBatch, type FactBatch, SLOT_MS, type Storage } from "../storage.js";
import { openSqliteStorage } from "./sqlite-storage.js";

const dir = mkdtempSync(join(tmpdir(), "rollcall-writer-"));
let count = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T0 = Date.UTC(2026, 11, 1, 9, 0, 0);
const S0 = Math.floor(T0 / SLOT_MS);

function batch(parts: Partial<FactBatch>): FactBatch {
  return { ...emptyFactBatch(), ...parts };
}

function person(id: string, name = id.toUpperCase()) {
  return { platform: "p1", id, name, email: `${id}@school.test`, role: "Learner" };
}

function message(id: string, user: string, ts: number) {
  return { platform: "p1", id, user, name: "message", app: "math", ts, props: null };
}

function table() {
  return userTableQuery({ start: S0, end: S0 + 96 });
}

describe("SQLite writer thread", () => {
  const opened: Storage[] = [];
  afterEach(async () => {
    for (const storage of opened.splice(0)) await storage.close();
  });

  async function open(file: string, writerThread: boolean): Promise<Storage> {
    const storage = openSqliteStorage(file, { writerThread });
    opened.push(storage);
    await storage.migrate();
    return storage;
  }

  it("keeps the analytics exact when the index loads while batches are on the thread", async () => {
    const file = join(dir, `db-${count++}.sqlite`);
    const server = await open(file, true);
    const users = Array.from({ length: 40 }, (_, i) => person(`u${i}`));
    const writes: Array<Promise<void>> = [];
    for (let i = 0; i < 40; i++) {
      const user = users[i] as ReturnType<typeof person>;
      writes.push(
        server.writeFacts(
          batch({
            users: [user],
            events: [message(`e${i}-a`, user.id, T0 + i), message(`e${i}-b`, user.id, T0 + i + 1)],
          }),
        ),
      );
      // The first analytics read (the index loads) lands between batches in flight.
      if (i === 20) writes.push(server.userTable(table()).then(() => undefined));
    }
    await Promise.all(writes);
    const rows = (await server.userTable(table())).rows;
    expect(rows).toHaveLength(40);
    expect(rows.every((row) => row.messagesSent === 2)).toBe(true);
    expect(
      await server.countActiveUsers({ platform: "p1", app: "math" }, [{ start: S0, end: S0 + 1 }]),
    ).toEqual([40]);
  });

  it("shows users another process imported while the server writes its own", async () => {
    const file = join(dir, `db-${count++}.sqlite`);
    const server = await open(file, true);
    await server.writeFacts(batch({ users: [person("ana")] }));
    expect((await server.userTable(table())).rows.map((r) => r.name)).toEqual(["ANA"]);

    const cli = await open(file, false);
    await cli.writeFacts(batch({ users: [person("ben"), person("ana", "Ana Lovelace")] }));
    await server.writeFacts(batch({ users: [person("cy")] }));
    expect((await server.userTable(table())).rows.map((r) => r.name)).toEqual([
      "Ana Lovelace",
      "BEN",
      "CY",
    ]);
  });

  it("refuses a batch the database refuses, with its error, and writes the next one", async () => {
    const file = join(dir, `db-${count++}.sqlite`);
    const server = await open(file, true);
    const broken = { ...message("bad", "ana", T0), name: null as unknown as string };
    await expect(server.writeFacts(batch({ events: [broken] }))).rejects.toMatchObject({
      code: expect.stringMatching(/^SQLITE_CONSTRAINT/),
    });
    await server.writeFacts(batch({ events: [message("good", "ana", T0)] }));
    expect(await server.countEvents("p1")).toBe(1);
  });

  it("refuses writes after the storage is closed instead of starting the thread again", async () => {
    const storage = openSqliteStorage(join(dir, `db-${count++}.sqlite`), { writerThread: true });
    await storage.migrate();
    await storage.writeFacts(batch({ events: [message("e1", "ana", T0)] }));
    await storage.close();
    await expect(storage.writeFacts(batch({ events: [message("e2", "ana", T0)] }))).rejects.toThrow(
      /closed/,
    );
  });

  it("copies committed writes from the WAL into the file within a moment", async () => {
    const file = join(dir, `db-${count++}.sqlite`);
    const server = await open(file, true);
    const before = statSync(file).size;
    const users = Array.from({ length: 2_000 }, (_, i) => person(`u${i}`));
    const events = users.map((user, i) => message(`e${i}`, user.id, T0 + i * 60_000));
    await server.writeFacts(batch({ users, events }));
    // The writer itself copies only past 16,000 pages; the checkpoint thread does it meanwhile,
    // every 100 ms once no reader holds an older snapshot. A generous bound: on two busy cores
    // the thread may wait its turn for seconds.
    const deadline = Date.now() + 60_000;
    while (statSync(file).size === before && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(statSync(file).size).toBeGreaterThan(before);
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(0);
    expect(await server.countEvents("p1")).toBe(2_000);
  }, 90_000);

  it("copies the last writes once a reader that held them back lets go, with no write after", async () => {
    const file = join(dir, `db-${count++}.sqlite`);
    const server = await open(file, true);
    await server.writeFacts(batch({ users: [person("first")] }));
    // Everything so far in the file: what follows can only grow it through the thread's copy.
    const admin = new Database(file);
    admin.pragma("wal_checkpoint(TRUNCATE)");
    admin.close();
    const reader = new Database(file, { readonly: true });
    try {
      // A read transaction keeps the pages written after its snapshot in the WAL.
      reader.prepare("BEGIN").run();
      reader.prepare("SELECT count(*) FROM users").get();
      const before = statSync(file).size;
      // More than any free pages the file may hold: the copy has to grow it.
      const users = Array.from({ length: 20_000 }, (_, i) => person(`u${i}`));
      await server.writeFacts(batch({ users }));
      // Several of the checkpoint thread's ticks (100 ms) meet the reader's snapshot.
      await new Promise((resolve) => setTimeout(resolve, 500));
      reader.prepare("COMMIT").run();
      const deadline = Date.now() + 60_000;
      while (statSync(file).size === before && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(statSync(file).size).toBeGreaterThan(before);
    } finally {
      reader.close();
    }
  }, 90_000);

  it("erases a user in turn with the batches before and after", async () => {
    const file = join(dir, `db-${count++}.sqlite`);
    const server = await open(file, true);
    await server.userTable(table());
    const before = server.writeFacts(
      batch({ users: [person("ana")], events: [message("e1", "ana", T0)] }),
    );
    const erased = server.deleteUser("p1", "ana");
    const after = server.writeFacts(
      batch({ users: [person("ben")], events: [message("e2", "ben", T0)] }),
    );
    await Promise.all([before, erased, after]);
    expect(await server.countEvents("p1")).toBe(1);
    expect((await server.userTable(table())).rows.map((r) => [r.id, r.messagesSent])).toEqual([
      ["ben", 1],
    ]);
  });
});
