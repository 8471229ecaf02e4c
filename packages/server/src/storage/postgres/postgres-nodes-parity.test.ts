// Several PostgreSQL nodes, each keeping the analytics index and following the log, answer as
// SQLite does for the same history: whichever node wrote, whenever each started, when writes
// overlap, when a node dies mid-write, from a saved or shared index, and after a gap in the log.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DAY, expectSameAnalytics, facts, T0, windows } from "../../testing/parity-history.js";
import { openSqliteStorage } from "../sqlite/sqlite-storage.js";
import { emptyFactBatch, type FactBatch, SLOT_MS, type Storage } from "../storage.js";
import { factStatements } from "./postgres-facts.js";
import { LISTENER_NAME } from "./postgres-index-listener.js";
import { openPostgresStorage } from "./postgres-storage.js";
import {
  IS_POSTGRES_REQUIRED,
  isPostgresReachable,
  TestDatabases,
  testServerName,
} from "./postgres-test-database.js";

const isSkipped = !IS_POSTGRES_REQUIRED && !(await isPostgresReachable());
const databases = new TestDatabases("nodes");

/** Runs SQL on its own connection. */
async function sql(url: string, text: string, values: unknown[] = []): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text, values);
  } finally {
    await client.end();
  }
}

describe.skipIf(isSkipped)(
  isSkipped
    ? `several PostgreSQL nodes and SQLite (skipped: no PostgreSQL server answers at ${testServerName()})`
    : "several PostgreSQL nodes and SQLite",
  () => {
    let dir: string;
    let sqlite: Storage;
    let url: string;
    const nodes: Storage[] = [];
    const node = (options: Parameters<typeof openPostgresStorage>[1] = {}, at = url) => {
      const opened = openPostgresStorage(at, options);
      nodes.push(opened);
      return opened;
    };

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), "rollcall-nodes-"));
      sqlite = openSqliteStorage(join(dir, "nodes.sqlite"));
      await sqlite.migrate();
      url = await databases.create();
      await node().migrate();
    });
    afterAll(async () => {
      await sqlite?.close();
      for (const opened of nodes) await opened.close();
      await databases.dropAll();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("answers as SQLite on every node, whichever node wrote, whenever each started", async () => {
      const a = node();
      const b = node();
      // c follows the log from the start; b loads half way; d starts after every write.
      const c = node();
      await c.warmUp(["message"]);
      const batches = facts();
      const half = Math.floor(batches.length / 2);
      for (const [i, batch] of batches.entries()) {
        if (i === half) await b.warmUp(["message"]);
        await sqlite.writeFacts(batch);
        await (i % 2 === 0 ? a : b).writeFacts(batch);
        // A node that dies mid-write: its transaction never commits, and nothing of it is logged.
        if (i % 25 === 0) await diesMidWrite(url, batch);
        // The listening connections drop now and then: the next read catches up anyway.
        if (i % 40 === 0) {
          await sql(
            url,
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
            [LISTENER_NAME],
          );
        }
      }
      await sqlite.deleteUser("p1", "ben");
      await b.deleteUser("p1", "ben");
      const d = node();
      for (const each of [a, b, c, d]) await expectSameAnalytics(each, sqlite);
    });

    it("holds what the rollups hold when nodes write overlapping batches at the same time", async () => {
      // A database of its own: the other tests compare theirs with SQLite's.
      const own = await databases.create();
      const writers = [node({}, own), node({}, own), node({}, own)];
      await writers[0]?.migrate();
      for (const writer of writers) await writer.warmUp(["message"]);
      const batches = facts().filter(
        (batch) => batch.events.length > 0 || batch.activeSeen.length > 0,
      );
      // Every writer writes every batch, each in its own order, all at once: the same rows
      // conflict on every node, and retried ids must count once.
      await Promise.all(
        writers.map(async (writer, w) => {
          const order = w === 1 ? [...batches].reverse() : batches;
          for (const batch of order) await writer.writeFacts(batch);
        }),
      );
      const fresh = node({}, own);
      await fresh.warmUp(["message"]);
      for (const writer of writers) await expectSameAnalytics(writer, fresh);
    });

    it("starts from its saved index or the one shared in the database, only when made from this database", async () => {
      const own = await databases.create();
      const file = join(dir, "postgres.index");
      const first = openPostgresStorage(own, { snapshot: file });
      await first.migrate();
      await first.warmUp(["message"]);
      for (const batch of facts()) await first.writeFacts(batch);
      const scope = { platform: "p1", app: null };
      const expected = await first.countActiveUsers(scope, windows());
      expect(expected.some((n) => n > 0)).toBe(true);
      await first.close(); // saves the index
      // The rollups lose their slots behind Rollcall's back: only a node that starts from the
      // saved index still counts them.
      await sql(own, "DELETE FROM activity_slots");
      const restarted = node({ snapshot: file }, own);
      await restarted.warmUp(["message"]);
      expect(await restarted.countActiveUsers(scope, windows())).toEqual(expected);
      // A node without a file of its own (joining, a fresh disk) starts from the one the first
      // node shared in the database.
      const joining = node({ snapshot: join(dir, "joining", "postgres.index") }, own);
      await joining.warmUp(["message"]);
      expect(await joining.countActiveUsers(scope, windows())).toEqual(expected);
      const inFull = node({}, own);
      expect((await inFull.countActiveUsers(scope, windows())).every((n) => n === 0)).toBe(true);
      // The same file for another database is not used: that node reads its own rollups.
      const other = await databases.create();
      const elsewhere = node({ snapshot: file }, other);
      await elsewhere.migrate();
      expect((await elsewhere.countActiveUsers(scope, windows())).every((n) => n === 0)).toBe(true);
    });

    it("loads again when log entries it had not read are gone", async () => {
      // Reads the log only when asked: no poll in the hour this test takes at most.
      const behind = node({ pollMs: 3_600_000 });
      await behind.warmUp(["message"]);
      const writer = node();
      await sql(
        url,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
        [LISTENER_NAME],
      );
      const extra: FactBatch = {
        ...emptyFactBatch(),
        events: [
          {
            platform: "p1",
            id: "late-1",
            user: "ana",
            name: "message",
            app: "math",
            ts: T0 + 7,
            props: null,
          },
        ],
      };
      await sqlite.writeFacts(extra);
      await writer.writeFacts(extra);
      await sql(url, "DELETE FROM index_log");
      const last: FactBatch = {
        ...emptyFactBatch(),
        events: [{ ...extra.events[0]!, id: "late-2", user: "cy", ts: T0 + 2 * DAY * SLOT_MS }],
      };
      await sqlite.writeFacts(last);
      await writer.writeFacts(last);
      await expectSameAnalytics(behind, sqlite);
    });
  },
  // Several nodes, each loading and following the log: minutes on a busy 2-core machine.
  180_000,
);

/**
 * Writes a batch's statements in a transaction and ends the connection before the commit, as a
 * node that dies mid-write: PostgreSQL rolls it back.
 */
async function diesMidWrite(url: string, batch: FactBatch): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  client.on("error", () => undefined);
  await client.query("BEGIN");
  for (const statement of factStatements(batch, Date.now())) await client.query(statement);
  await client.end();
}
