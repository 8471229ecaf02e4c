// The activity index's change log in the SQLite file (migration 8): a row beside each write that
// changes the index, replayed after a snapshot at start, deleted once a snapshot holds it.
import type Database from "better-sqlite3";
import { IndexWrites } from "../activity-index/activity-index.js";
import type { IndexSnapshotStamp } from "../activity-index/index-snapshot.js";
import type { StatementCache } from "./sqlite-facts.js";

/**
 * Appends what a transaction did to the activity index to its change log, in that transaction:
 * a snapshot of the index plus the rows after its seq make the index again.
 */
export function logIndexWrites(stmt: StatementCache, indexed: IndexWrites): void {
  if (indexed.ops.length === 0) return;
  stmt("INSERT INTO index_log (ops) VALUES (?)").run(indexed.toLogText());
}

/**
 * Deletes change-log rows up to `through` (those a saved snapshot holds), at most `limit` of
 * them: the caller repeats it, with other writes between. Returns how many went.
 */
export function trimIndexLog(stmt: StatementCache, through: number, limit: number): number {
  return stmt(
    "DELETE FROM index_log WHERE seq IN (SELECT seq FROM index_log WHERE seq <= ? ORDER BY seq LIMIT ?)",
  ).run(through, limit).changes;
}

/** The last seq the change log gave, trimmed or not (0: none yet). */
export function lastLogSeq(stmt: StatementCache): number {
  return Number(
    stmt("SELECT seq FROM sqlite_sequence WHERE name = 'index_log'").pluck().get() ?? 0,
  );
}

/** The identity of the file's data (migration 8). */
export function logSource(stmt: StatementCache): string {
  return String(stmt("SELECT source FROM index_meta WHERE id = 1").pluck().get());
}

/**
 * Throws why the log cannot bring a snapshot with this stamp up to date: it is of other data
 * (another source), or rows after its seq are gone (trimmed for a later snapshot) or were never
 * written (the snapshot is ahead of the file: a restored backup).
 */
export function checkLogFollows(stmt: StatementCache, stamp: IndexSnapshotStamp): void {
  const source = logSource(stmt);
  if (source !== stamp.source) {
    throw new Error(`the snapshot is of other data (${stamp.source}, the file: ${source})`);
  }
  const last = lastLogSeq(stmt);
  const after = Number(stmt("SELECT count(*) FROM index_log WHERE seq > ?").pluck().get(stamp.seq));
  if (stamp.seq > last || after !== last - stamp.seq) {
    throw new Error(
      `the change log does not follow the snapshot (seq ${stamp.seq}; the log: ${after} rows to ${last})`,
    );
  }
}

/** The writes logged after `seq`, in order (read lazily, inside the caller's read transaction). */
export function* loggedAfter(db: Database.Database, seq: number): Generator<IndexWrites> {
  const rows = db
    .prepare("SELECT ops FROM index_log WHERE seq > ? ORDER BY seq")
    .pluck()
    .iterate(seq) as IterableIterator<string>;
  for (const ops of rows) yield IndexWrites.fromLogText(ops);
}
