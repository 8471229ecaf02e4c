// The activity index's change log in PostgreSQL: what each transaction adds to the analytics
// every node holds in memory, numbered in commit order.
import type pg from "pg";
import { type ActivityIndex, IndexWrites } from "../activity-index/activity-index.js";
import type { IndexSnapshotStamp } from "../activity-index/index-snapshot.js";
import { type FactBatch, SLOT_MS, slotsBetween } from "../storage.js";
import { NO_APP } from "../storage-rows.js";
import type { Statement } from "./postgres-facts.js";

/** The channel a logging transaction notifies on commit, with its sequence number. */
export const INDEX_CHANNEL = "rollcall_index";

/**
 * One entry of the log: `ops` are IndexWrites' operations known before the batch is written
 * (users, activity marks: repeating them changes nothing; as `toLogText` writes them), `events`
 * what only the database knows,
 * the events the batch inserted (a retried id is not among them), as JSON
 * `[platform, app, name, user, ts]` rows.
 */
export interface IndexLogEntry {
  seq: number;
  ops: string;
  events: string;
}

/** A batch's index writes known before it is written: its users and its activity marks. */
export function batchIndexWrites(batch: FactBatch): IndexWrites {
  const writes = new IndexWrites();
  for (const u of batch.users) writes.setUser(u.platform, u.id, u.name, u.email, u.role);
  const mark = (platform: string, user: string, app: string | null, start: number, end: number) => {
    const [first, last] = slotsBetween(start, end);
    for (let slot = first; slot <= last; slot++) {
      writes.markSlot(platform, app ?? NO_APP, user, slot);
    }
    writes.touchApp(platform, app ?? NO_APP, user, Math.max(start, end));
  };
  for (const a of batch.activeStarted) mark(a.platform, a.user, a.app, a.startedAt, a.startedAt);
  for (const a of batch.activeEnded) mark(a.platform, a.user, a.app, a.startedAt, a.endedAt);
  for (const a of batch.activeSeen) mark(a.platform, a.user, a.app, a.at, a.at);
  return writes;
}

/**
 * Appends one entry to the log, numbered by the head row: its lock is held to the commit, so
 * numbers follow commit order. The last statement of its transaction, so the lock is taken after
 * every row lock the transaction needs (taken earlier, two writers could wait for each other).
 * Notifies INDEX_CHANNEL at the commit.
 */
export function logStatement(ops: string, events: string, now: number): Statement {
  return {
    text: `WITH head AS (UPDATE index_head SET seq = seq + 1 WHERE id = 1 RETURNING seq),
      logged AS (
        INSERT INTO index_log (seq, written_at, ops, events)
        SELECT seq, $3, $1, $2 FROM head
        RETURNING seq
      )
      SELECT seq, pg_notify('${INDEX_CHANNEL}', seq::text) FROM logged`,
    values: [ops, events, now],
  };
}

/** No events: the log entry of a batch without any, or of an erasure. */
export const NO_EVENTS = "[]";

/** Applies one entry to an index: the same changes SQLite's writer reports for its batch. */
export function applyLogEntry(index: ActivityIndex, entry: IndexLogEntry): void {
  IndexWrites.fromLogText(entry.ops).apply(index);
  const events = JSON.parse(entry.events) as Array<[string, string, string, string, number]>;
  for (const [platform, app, name, user, ts] of events) {
    const slot = Math.floor(ts / SLOT_MS);
    index.countEvent(platform, app, name, user, slot);
    index.markSlot(platform, app, user, slot);
    index.touchApp(platform, app, user, ts);
  }
}

/** A pool or one of its connections: where the log is read. */
type Reader = pg.Pool | pg.ClientBase;

/** The log's head: the last entry's seq (0: none yet), and the database's identity. */
export async function readLogHead(client: Reader): Promise<{ seq: number; source: string }> {
  const { rows } = await client.query<{ seq: number; source: string }>(
    "SELECT seq, source FROM index_head",
  );
  return { seq: Number(rows[0]?.seq ?? 0), source: String(rows[0]?.source ?? "") };
}

/** The entries after `after`, in order: at most `limit` of them, or those up to `through`. */
export async function readLogEntries(
  client: Reader,
  after: number,
  bound: { limit: number } | { through: number },
): Promise<IndexLogEntry[]> {
  const entries = "SELECT seq, ops, events FROM index_log WHERE seq > $1";
  const { rows } = await client.query<IndexLogEntry>(
    "limit" in bound ? `${entries} ORDER BY seq LIMIT $2` : `${entries} AND seq <= $2 ORDER BY seq`,
    [after, "limit" in bound ? bound.limit : bound.through],
  );
  return rows.map((row) => ({ seq: Number(row.seq), ops: row.ops, events: row.events }));
}

/**
 * Throws why the log cannot bring a snapshot with this stamp up to date: it is of another
 * database (another source), ahead of the log (a restored backup), or entries after its seq
 * were deleted (pruneIndexLog).
 */
export async function checkLogFollows(client: Reader, stamp: IndexSnapshotStamp): Promise<void> {
  const { seq, source } = await readLogHead(client);
  if (stamp.source !== source) throw new Error("the index snapshot is of another database");
  if (stamp.seq > seq) throw new Error("the index snapshot is ahead of the database's log");
  const { rows } = await client.query<{ first: number | null }>(
    "SELECT min(seq) AS first FROM index_log",
  );
  const first = rows[0]?.first ?? null;
  if (seq > stamp.seq && (first === null || Number(first) > stamp.seq + 1)) {
    throw new Error("the index log no longer holds every change after the index snapshot");
  }
}

/** Deletes the entries written before `before` (ms): a node that had not read them loads again. */
export async function pruneIndexLog(client: Reader, before: number): Promise<void> {
  await client.query("DELETE FROM index_log WHERE written_at < $1", [before]);
}
