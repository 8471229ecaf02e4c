// Loads the in-memory activity index from SQLite's rollups, and the message counts it tracks.
import type Database from "better-sqlite3";
import { ActivityIndex } from "../activity-index/activity-index.js";

type Cell = string | number;

/** Rows read between the pauses of a load in slices (`loadInSlices`): ~10–20 ms of work. */
export const LOAD_SLICE_ROWS = 10_000;

/** Loads the whole index at once (no writer thread: nothing can interleave). */
export function loadActivityIndex(db: Database.Database, messageNames?: string[]): ActivityIndex {
  return finish(loadInSlices(db, messageNames ?? null, Number.POSITIVE_INFINITY));
}

/** Runs a load in slices to its end, without pausing. */
function finish<T>(load: Generator<void, T, void>): T {
  for (;;) {
    const step = load.next();
    if (step.done) return step.value;
  }
}

/**
 * Every rollup row, read once: yields after every `sliceRows` rows, so a caller can let other
 * work run between slices (a file of 100 M events takes minutes to read), and returns the index.
 * Activity comes in time order on the (platform_id, slot, user_id) index, no sort, and the index
 * files each day's rows by user number before the next day's. With `messageNames`, also their
 * counts (as `loadMessages`). The caller keeps `db` in one read transaction throughout.
 */
export function* loadInSlices(
  db: Database.Database,
  messageNames: string[] | null,
  sliceRows = LOAD_SLICE_ROWS,
): Generator<void, ActivityIndex, void> {
  const index = new ActivityIndex();
  const slice = new SliceCounter(sliceRows);
  loadUsers(db, index);
  let bulk: ReturnType<ActivityIndex["bulkSlots"]> | null = null;
  let bulkPlatform = "";
  for (const [platform, slot, user, app] of rows(
    db,
    `SELECT platform_id, slot, user_id, app FROM activity_slots INDEXED BY activity_slots_time
     ORDER BY platform_id, slot`,
  )) {
    if (!bulk || platform !== bulkPlatform) {
      if (bulk) yield* bulk.done();
      bulkPlatform = String(platform);
      bulk = index.bulkSlots(bulkPlatform);
    }
    bulk.mark(String(app), String(user), Number(slot));
    if (slice.ends()) yield;
  }
  if (bulk) yield* bulk.done();
  for (const [platform, app, user, last] of rows(
    db,
    "SELECT platform_id, app, user_id, last_active_at FROM user_apps",
  )) {
    index.touchApp(String(platform), String(app), String(user), Number(last));
    if (slice.ends()) yield;
  }
  if (messageNames) yield* messagesInSlices(db, index, messageNames, slice);
  else forgetErasuresInProgress(db, index);
  return index;
}

/**
 * Drops from `index` the users whose erasure began and has not ended (sqlite-erasure.ts): the
 * running index dropped them at its first step, while rows in the slots it had not reached yet
 * (all of them, if it was cut short) are still in the rollups a load reads.
 */
function forgetErasuresInProgress(db: Database.Database, index: ActivityIndex): void {
  for (const [platform, user] of rows(db, "SELECT platform_id, user_id FROM erasures")) {
    index.eraseUser(String(platform), String(user));
  }
}

/** Counts rows; says when a slice of them ends. */
class SliceCounter {
  private count = 0;

  constructor(private readonly size: number) {}

  ends(): boolean {
    if (++this.count < this.size) return false;
    this.count = 0;
    return true;
  }
}

function rows(db: Database.Database, sql: string, ...params: string[]): IterableIterator<Cell[]> {
  return db
    .prepare(sql)
    .raw()
    .iterate(...params) as IterableIterator<Cell[]>;
}

/**
 * Registered users, in id order (numbers follow it), but those whose erasure is in progress.
 * Also what is read again when another connection wrote to the file: the CLI's writes while a
 * server runs are users (`user import`), platforms and operators; activity is only ever written
 * by the one server process.
 */
export function loadUsers(db: Database.Database, index: ActivityIndex): void {
  const sql = "SELECT platform_id, id, name, email, role FROM users ORDER BY platform_id, id";
  for (const [platform, id, name, email, role] of rows(db, sql)) {
    index.setUser(String(platform), String(id), String(name), String(email), String(role));
  }
  forgetErasuresInProgress(db, index);
}

/** Makes the index count these event names as messages, from event_counts. */
export function loadMessages(db: Database.Database, index: ActivityIndex, names: string[]): void {
  finish(messagesInSlices(db, index, names, new SliceCounter(Number.POSITIVE_INFINITY)));
}

/** loadMessages, yielding where a slice of rows ends. */
function* messagesInSlices(
  db: Database.Database,
  index: ActivityIndex,
  names: string[],
  slice: SliceCounter,
): Generator<void, void, void> {
  index.trackMessages(names);
  // In table order (no sort); the index files the cells by day.
  const sql = `SELECT platform_id, app, user_id, slot, count FROM event_counts
    WHERE name IN (${names.map(() => "?").join(", ")})`;
  const bulks = new Map<string, ReturnType<ActivityIndex["bulkMessages"]>>();
  for (const [platform, app, user, slot, count] of rows(db, sql, ...names)) {
    let bulk = bulks.get(String(platform));
    if (!bulk) {
      bulk = index.bulkMessages(String(platform));
      bulks.set(String(platform), bulk);
    }
    bulk.add(String(app), String(user), Number(slot), Number(count));
    if (slice.ends()) yield;
  }
  for (const bulk of bulks.values()) yield* bulk.done();
  forgetErasuresInProgress(db, index);
}
