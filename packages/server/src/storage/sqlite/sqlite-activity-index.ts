// Loads the in-memory activity index from SQLite's rollups, and the message counts it tracks.
import type Database from "better-sqlite3";
import { ActivityIndex } from "../activity-index/activity-index.js";

type Cell = string | number;

/**
 * Every rollup row, read once, in time order on the (platform_id, slot, user_id) index: no sort,
 * and the index files each day's rows by user number before the next day's.
 */
export function loadActivityIndex(db: Database.Database): ActivityIndex {
  const index = new ActivityIndex();
  const rows = (sql: string) => db.prepare(sql).raw().iterate() as IterableIterator<Cell[]>;
  loadUsers(db, index);
  let bulk: ReturnType<ActivityIndex["bulkSlots"]> | null = null;
  let bulkPlatform = "";
  for (const [platform, slot, user, app] of rows(
    `SELECT platform_id, slot, user_id, app FROM activity_slots INDEXED BY activity_slots_time
     ORDER BY platform_id, slot`,
  )) {
    if (!bulk || platform !== bulkPlatform) {
      bulk?.done();
      bulkPlatform = String(platform);
      bulk = index.bulkSlots(bulkPlatform);
    }
    bulk.mark(String(app), String(user), Number(slot));
  }
  bulk?.done();
  for (const [platform, app, user, last] of rows(
    "SELECT platform_id, app, user_id, last_active_at FROM user_apps",
  )) {
    index.touchApp(String(platform), String(app), String(user), Number(last));
  }
  return index;
}

/**
 * Registered users, in id order (numbers follow it). Also what is read again when another
 * connection wrote to the file: the CLI's writes while a server runs are users (`user import`),
 * platforms and operators; activity is only ever written by the one server process.
 */
export function loadUsers(db: Database.Database, index: ActivityIndex): void {
  const sql = "SELECT platform_id, id, name, email FROM users ORDER BY platform_id, id";
  for (const [platform, id, name, email] of db.prepare(sql).raw().iterate() as IterableIterator<
    Cell[]
  >) {
    index.setUser(String(platform), String(id), String(name), String(email));
  }
}

/** Makes the index count these event names as messages, from event_counts. */
export function loadMessages(db: Database.Database, index: ActivityIndex, names: string[]): void {
  index.trackMessages(names);
  // In table order (no sort); the index files the cells by day.
  const sql = `SELECT platform_id, app, user_id, slot, count FROM event_counts
    WHERE name IN (${names.map(() => "?").join(", ")})`;
  const bulks = new Map<string, ReturnType<ActivityIndex["bulkMessages"]>>();
  for (const [platform, app, user, slot, count] of db
    .prepare(sql)
    .raw()
    .iterate(...names) as IterableIterator<Cell[]>) {
    let bulk = bulks.get(String(platform));
    if (!bulk) {
      bulk = index.bulkMessages(String(platform));
      bulks.set(String(platform), bulk);
    }
    bulk.add(String(app), String(user), Number(slot), Number(count));
  }
  for (const bulk of bulks.values()) bulk.done();
}
