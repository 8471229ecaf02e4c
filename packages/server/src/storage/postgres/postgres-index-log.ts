// The activity index's change log in PostgreSQL: what each transaction adds to the analytics
// every node holds in memory, numbered in commit order.
import { type ActivityIndex, IndexWrites } from "../activity-index/activity-index.js";
import { type FactBatch, SLOT_MS, slotsBetween } from "../storage.js";
import { NO_APP } from "../storage-rows.js";

/** The channel a logging transaction notifies on commit, with its sequence number. */
export const INDEX_CHANNEL = "rollcall_index";

/**
 * One entry of the log: `ops` are IndexWrites' operations known before the batch is written
 * (users, activity marks: repeating them changes nothing), `events` what only the database knows,
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
  for (const u of batch.users) writes.setUser(u.platform, u.id, u.name, u.email);
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
 * CTEs that append one entry to the log, for the end of a statement's WITH list: `head` takes
 * the next number (its row lock is held to the commit, so numbers follow commit order), `logged`
 * writes the entry. `events` is an SQL expression giving the events' JSON text. The statement then
 * ends with INDEX_LOG_RESULT.
 */
export function logEntryCtes(ops: string, events: string, at: string): string {
  return `head AS (UPDATE index_head SET seq = seq + 1 WHERE id = 1 RETURNING seq),
      logged AS (
        INSERT INTO index_log (seq, written_at, ops, events)
        SELECT seq, ${at}, ${ops}, ${events} FROM head
        RETURNING seq, ops, events
      )`;
}

/** The final SELECT of a logging statement: the entry, and a notification sent at commit. */
export const INDEX_LOG_RESULT = `SELECT seq, ops, events, pg_notify('${INDEX_CHANNEL}', seq::text)
      FROM logged`;

/** The events JSON of the rows a `new_events` CTE inserted. */
export const NEW_EVENTS_JSON = `(SELECT coalesce(json_agg(json_build_array(
        platform_id, app, name, user_id, ts)), '[]')::text FROM new_events)`;

/** Applies one entry to an index: the same changes SQLite's writer reports for its batch. */
export function applyLogEntry(index: ActivityIndex, entry: IndexLogEntry): void {
  new IndexWrites(JSON.parse(entry.ops) as Array<string | number>).apply(index);
  const events = JSON.parse(entry.events) as Array<[string, string, string, string, number]>;
  for (const [platform, app, name, user, ts] of events) {
    const slot = Math.floor(ts / SLOT_MS);
    index.countEvent(platform, app, name, user, slot);
    index.markSlot(platform, app, user, slot);
    index.touchApp(platform, app, user, ts);
  }
}

/** The entry of a statement that ended with INDEX_LOG_RESULT, if it logged one. */
export function loggedEntry(rows: Array<Record<string, unknown>>): IndexLogEntry | null {
  const [row] = rows;
  if (!row || row.seq === undefined) return null;
  return { seq: Number(row.seq), ops: String(row.ops), events: String(row.events) };
}
