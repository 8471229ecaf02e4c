// The SQLite server's fast restart: the index from its snapshot and the change log after it
// answers as a full load of the file does, after a close, a kill, a damaged snapshot, an erasure.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { expectSameAnswers, randomBatch } from "../../testing/activity-answers.js";
import { seededRandom } from "../../testing/seeded-random.js";
import { userTableQuery } from "../../testing/user-table-query.js";
import { loadIndexSnapshot } from "../activity-index/index-snapshot.js";
import type { SnapshotLog } from "../activity-index/snapshot-saves.js";
import { emptyFactBatch, type Storage } from "../storage.js";
import { openSqliteStorage } from "./sqlite-storage.js";

const dir = mkdtempSync(join(tmpdir(), "rollcall-index-snapshot-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What a storage's keeper said, to wait for. */
class Said implements SnapshotLog {
  readonly messages: string[] = [];

  debug(_fields: object, message: string): void {
    this.messages.push(message);
  }

  info(_fields: object, message: string): void {
    this.messages.push(message);
  }

  warn(_fields: object, message: string): void {
    this.messages.push(message);
  }

  count(message: string): number {
    return this.messages.filter((said) => said === message).length;
  }

  /** Waits (generously: a busy 2-core machine) until `message` was said `times` times. */
  async until(message: string, times = 1): Promise<void> {
    for (let waited = 0; this.count(message) < times; waited += 20) {
      if (waited > 60_000) throw new Error(`never said "${message}" ×${times}: ${this.messages}`);
      await sleep(20);
    }
  }
}

const SAVED = "analytics index saved";
const FROM_SNAPSHOT = "analytics index loaded from its snapshot";
const NOT_USED = "the analytics index snapshot was not used";

function server(file: string, said: Said): Storage {
  return openSqliteStorage(file, {
    writerThread: true,
    indexSnapshot: `${file}.index`,
    log: said,
  });
}

function logRows(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return Number(db.prepare("SELECT count(*) FROM index_log").pluck().get());
  } finally {
    db.close();
  }
}

/** A file with some history, written by a storage that holds no index. */
async function history(
  name: string,
  seed: number,
): Promise<{ file: string; random: () => number; seq: { n: number } }> {
  const file = join(dir, `${name}.sqlite`);
  const random = seededRandom(seed);
  const seq = { n: 0 };
  const writer = openSqliteStorage(file);
  await writer.migrate();
  for (let i = 0; i < 4; i++) await writer.writeFacts(randomBatch(random, 60, 300, seq));
  await writer.close();
  return { file, random, seq };
}

describe("the SQLite index snapshot", () => {
  it("is saved after a full load and at close; the next start loads it and answers as the file does", async () => {
    const { file, random, seq } = await history("restart", 1);
    const said = new Said();
    const first = server(file, said);
    await first.warmUp(["message"]);
    await said.until(SAVED);
    expect(said.count(FROM_SNAPSHOT)).toBe(0);
    for (let i = 0; i < 3; i++) await first.writeFacts(randomBatch(random, 80, 300, seq));
    await first.close();
    expect(said.count(SAVED)).toBe(2);
    expect(logRows(file)).toBe(0); // the snapshot holds it all

    const again = new Said();
    const second = server(file, again);
    await second.warmUp(["message"]);
    expect(again.messages).toContain(FROM_SNAPSHOT);
    await expectSameAnswers(second, file, random);
    // And it is kept current from there.
    await second.writeFacts(randomBatch(random, 80, 300, seq));
    await second.deleteUser("p1", "u12");
    await expectSameAnswers(second, file, random);
    await second.close();
  });

  it("after a kill (no save at close), the snapshot and the change log after it make the index", async () => {
    const { file, random, seq } = await history("kill", 2);
    const said = new Said();
    const killed = server(file, said);
    await killed.warmUp(["message"]);
    await said.until(SAVED);
    for (let i = 0; i < 4; i++) await killed.writeFacts(randomBatch(random, 80, 300, seq));
    await killed.deleteUser("p1", "u7");
    await killed.writeFacts(randomBatch(random, 80, 300, seq));
    // The erasure saved the index again; more batches after that stay in the log only.
    await said.until(SAVED, 2);
    await killed.writeFacts(randomBatch(random, 80, 300, seq));
    expect(logRows(file)).toBeGreaterThan(0);

    // A second server on the file while the first never closed: what a restart after a kill sees.
    const after = new Said();
    const restarted = server(file, after);
    await restarted.warmUp(["message"]);
    expect(after.messages).toContain(FROM_SNAPSHOT);
    await expectSameAnswers(restarted, file, random);
    // What it replayed is saved at once, and the log trimmed.
    await after.until(SAVED);
    for (let waited = 0; logRows(file) > 0 && waited < 60_000; waited += 20) await sleep(20);
    expect(logRows(file)).toBe(0);
    await restarted.close();
    await killed.close();
  });

  it("a damaged snapshot, or one of other data, is not used: the index loads in full and is saved again", async () => {
    const { file, random } = await history("damaged", 3);
    const said = new Said();
    const first = server(file, said);
    await first.warmUp(["message"]);
    await first.close();
    const snapshot = `${file}.index`;
    const bytes = readFileSync(snapshot);
    bytes[Math.floor(bytes.length / 2)] = (bytes[Math.floor(bytes.length / 2)] as number) ^ 0x10;
    writeFileSync(snapshot, bytes);

    const again = new Said();
    const second = server(file, again);
    await second.warmUp(["message"]);
    expect(again.messages).toContain(NOT_USED);
    expect(again.messages).not.toContain(FROM_SNAPSHOT);
    await expectSameAnswers(second, file, random);
    await again.until(SAVED);
    await second.close();

    // A good snapshot, but of another file's data (its source differs).
    const other = await history("other", 4);
    copyFileSync(snapshot, `${other.file}.index`);
    const third = new Said();
    const elsewhere = server(other.file, third);
    await elsewhere.warmUp(["message"]);
    expect(third.messages).toContain(NOT_USED);
    await expectSameAnswers(elsewhere, other.file, other.random);
    await elsewhere.close();
  });

  it("an erasure after the snapshot: gone after a restart, and from the next snapshot file", async () => {
    const { file, random, seq } = await history("erased", 5);
    const first = server(file, new Said());
    await first.warmUp(["message"]);
    await first.writeFacts(randomBatch(random, 60, 300, seq));
    await first.close();
    const before = await loadIndexSnapshot(`${file}.index`);
    expect(before?.index.slotsOf("p1", "u15").length).toBeGreaterThan(0);

    const said = new Said();
    const second = server(file, said);
    await second.warmUp(["message"]);
    const saves = said.count(SAVED);
    await second.deleteUser("p1", "u15");
    await said.until(SAVED, saves + 1);
    const saved = await loadIndexSnapshot(`${file}.index`);
    expect(saved?.index.slotsOf("p1", "u15")).toEqual([]);
    const table = saved?.index.userTable(userTableQuery({ start: 0, end: 1 }));
    expect(table?.rows.map((row) => row.id)).not.toContain("u15");

    // Another erasure, saved too; a second server then (one writer of the snapshot at a time).
    await second.deleteUser("p1", "u16");
    await said.until(SAVED, saves + 2);
    const third = server(file, new Said());
    await third.warmUp(["message"]);
    expect(
      (await third.userTable(userTableQuery({ start: 0, end: 1 }))).rows.map((row) => row.id),
    ).not.toContain("u16");
    await expectSameAnswers(third, file, random);
    await third.close();
    await second.close();
  });

  it("is saved again each period while the change log grows, and not when it does not", async () => {
    const { file, random, seq } = await history("period", 7);
    const said = new Said();
    const storage = openSqliteStorage(file, {
      writerThread: true,
      indexSnapshot: `${file}.index`,
      indexSnapshotEveryMs: 50,
      log: said,
    });
    await storage.warmUp(["message"]);
    await said.until(SAVED);
    await storage.writeFacts(randomBatch(random, 60, 100, seq));
    await said.until(SAVED, 2);
    for (let waited = 0; logRows(file) > 0 && waited < 60_000; waited += 20) await sleep(20);
    expect(logRows(file)).toBe(0);
    await sleep(500); // ten periods with nothing new
    expect(said.count(SAVED)).toBe(2);
    await storage.close();
    expect(said.count(SAVED)).toBe(2); // nothing new at close either
  });

  it("a batch committed while a snapshot is written is in the very next read", async () => {
    const { file, random, seq } = await history("read-own-writes", 8);
    const said = new Said();
    // Saved every millisecond: nearly every batch below commits while a save is writing.
    const storage = openSqliteStorage(file, {
      writerThread: true,
      indexSnapshot: `${file}.index`,
      indexSnapshotEveryMs: 1,
      log: said,
    });
    await storage.warmUp(["message"]);
    for (let i = 0; i < 40; i++) {
      const batch = randomBatch(random, 60, 200, seq);
      const at = batch.events[0]?.ts ?? Date.UTC(2026, 0, 1);
      batch.activeEnded.push({
        platform: "p1",
        user: "u1",
        app: `new-${i}`,
        startedAt: at,
        endedAt: at + 60_000,
      });
      await storage.writeFacts(batch);
      expect(await storage.countKnownUsers({ platform: "p1", app: `new-${i}` })).toBe(1);
    }
    expect(said.count(SAVED)).toBeGreaterThan(1);
    await storage.close();
  });

  it("users another process writes reach the index, while it runs and after a restart", async () => {
    const { file } = await history("import", 6);
    const said = new Said();
    const first = server(file, said);
    await first.warmUp(["message"]);
    // While a snapshot is written the index stays as it was; the next read after sees the users.
    await said.until(SAVED);
    const cli = openSqliteStorage(file);
    const batch = emptyFactBatch();
    batch.users.push({ platform: "p1", id: "zed", name: "Zed", email: "z@x", role: "Learner" });
    await cli.writeFacts(batch);
    const ids = async (storage: Storage) =>
      (await storage.userTable(userTableQuery({ start: 0, end: 1 }))).rows.map((row) => row.id);
    expect(await ids(first)).toContain("zed");
    await first.close();
    // Written while no server runs: only the change log after the snapshot has it.
    const more = emptyFactBatch();
    more.users.push({ platform: "p1", id: "yan", name: "Yan", email: "y@x", role: "Learner" });
    await cli.writeFacts(more);
    await cli.close();

    const again = new Said();
    const second = server(file, again);
    await second.warmUp(["message"]);
    expect(again.messages).toContain(FROM_SNAPSHOT);
    expect(await ids(second)).toEqual(expect.arrayContaining(["zed", "yan"]));
    await second.close();
  });
});
