// Loads the in-memory activity index from SQLite's rollups, and the message counts it tracks.
import type Database from "better-sqlite3";
import { ActivityIndex } from "../activity-index/activity-index.js";

type Cell = string | number;

/**
 * Every rollup row, read once. Users are numbered in id order and slots come in user order, so
 * each day's rows are appended in key order instead of inserted.
 */
export function loadActivityIndex(db: Database.Database): ActivityIndex {
  const index = new ActivityIndex();
  const rows = (sql: string) => db.prepare(sql).raw().iterate() as IterableIterator<Cell[]>;
  for (const [platform, id, name, email] of rows(
    "SELECT platform_id, id, name, email FROM users ORDER BY platform_id, id",
  )) {
    index.setUser(String(platform), String(id), String(name), String(email));
  }
  for (const [platform, user, app, slot] of rows(
    "SELECT platform_id, user_id, app, slot FROM activity_slots ORDER BY platform_id, user_id, app, slot",
  )) {
    index.markSlot(String(platform), String(app), String(user), Number(slot));
  }
  for (const [platform, app, user, last] of rows(
    "SELECT platform_id, app, user_id, last_active_at FROM user_apps",
  )) {
    index.touchApp(String(platform), String(app), String(user), Number(last));
  }
  return index;
}

/** Makes the index count these event names as messages, from event_counts. */
export function loadMessages(db: Database.Database, index: ActivityIndex, names: string[]): void {
  index.trackMessages(names);
  const sql = `SELECT platform_id, app, name, user_id, slot, count FROM event_counts
    WHERE name IN (${names.map(() => "?").join(", ")})
    ORDER BY platform_id, user_id, app, slot`;
  for (const [platform, app, name, user, slot, count] of db
    .prepare(sql)
    .raw()
    .iterate(...names) as IterableIterator<Cell[]>) {
    index.countEvent(
      String(platform),
      String(app),
      String(name),
      String(user),
      Number(slot),
      Number(count),
    );
  }
}
