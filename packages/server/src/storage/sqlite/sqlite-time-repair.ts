// Migration 7: a file written before event times were bounded loses the events outside them and
// what they added to the rollups, so every read and erasure afterwards sees sane times only.
import type Database from "better-sqlite3";
import { EVENT_TIME_FLOOR_MS } from "../event-time-bounds.js";
import { SLOT_MS } from "../storage.js";

/** Events later than this after the repair's own moment are dropped (a day of clock slack). */
export const REPAIR_CEILING_SLACK_MS = 86_400_000;

type Scope = { platform_id: string; app: string };

/**
 * Drops the events dated before EVENT_TIME_FLOOR_MS or more than REPAIR_CEILING_SLACK_MS after
 * `now`, and the rollup rows of slots outside that window (activity and event counts: only an
 * event can put them there). A user's first activity in an app moves up to the floor; a last
 * activity past the window becomes the start of their latest slot left in it; a user with no
 * slot left in the app is no longer known to it. Runs inside the migration's transaction and reads
 * only the rows out of the window, found by key or by time, plus for each user so repaired the
 * app's slots after their last real one.
 */
export function repairEventTimes(db: Database.Database, now: number): void {
  const floor = EVENT_TIME_FLOOR_MS;
  const ceiling = now + REPAIR_CEILING_SLACK_MS;
  const floorSlot = Math.floor(floor / SLOT_MS);
  const ceilingSlot = Math.floor(ceiling / SLOT_MS);
  db.prepare("DELETE FROM events WHERE ts < ?").run(floor);
  db.prepare("DELETE FROM events WHERE ts > ?").run(ceiling);

  const scopes = db.prepare("SELECT DISTINCT platform_id, app FROM user_apps").all() as Scope[];
  const slotsBelow = db.prepare(
    "DELETE FROM activity_slots WHERE platform_id = ? AND app = ? AND slot < ?",
  );
  const slotsAbove = db.prepare(
    "DELETE FROM activity_slots WHERE platform_id = ? AND app = ? AND slot > ?",
  );
  const firstName = db
    .prepare("SELECT min(name) FROM event_counts WHERE platform_id = ? AND app = ?")
    .pluck();
  const nextName = db
    .prepare("SELECT min(name) FROM event_counts WHERE platform_id = ? AND app = ? AND name > ?")
    .pluck();
  const countsBelow = db.prepare(
    "DELETE FROM event_counts WHERE platform_id = ? AND app = ? AND name = ? AND slot < ?",
  );
  const countsAbove = db.prepare(
    "DELETE FROM event_counts WHERE platform_id = ? AND app = ? AND name = ? AND slot > ?",
  );
  for (const { platform_id: platform, app } of scopes) {
    slotsBelow.run(platform, app, floorSlot);
    slotsAbove.run(platform, app, ceilingSlot);
    let name: unknown = firstName.get(platform, app);
    while (typeof name === "string") {
      countsBelow.run(platform, app, name, floorSlot);
      countsAbove.run(platform, app, name, ceilingSlot);
      name = nextName.get(platform, app, name);
    }
  }

  const outOfWindow = db
    .prepare(
      `SELECT platform_id, app, user_id, first_active_at, last_active_at FROM user_apps
       WHERE first_active_at < ? OR last_active_at > ?`,
    )
    .all(floor, ceiling) as Array<
    Scope & { user_id: string; first_active_at: number; last_active_at: number }
  >;
  const latestSlot = db
    .prepare(
      `SELECT slot FROM activity_slots WHERE platform_id = ? AND app = ? AND slot <= ?
         AND user_id = ? ORDER BY slot DESC LIMIT 1`,
    )
    .pluck();
  const update = db.prepare(
    `UPDATE user_apps SET first_active_at = ?, last_active_at = ?
     WHERE platform_id = ? AND app = ? AND user_id = ?`,
  );
  const forget = db.prepare(
    "DELETE FROM user_apps WHERE platform_id = ? AND app = ? AND user_id = ?",
  );
  for (const row of outOfWindow) {
    const key = [row.platform_id, row.app, row.user_id] as const;
    const slot = latestSlot.get(row.platform_id, row.app, ceilingSlot, row.user_id);
    if (typeof slot !== "number") {
      forget.run(...key);
      continue;
    }
    const last = row.last_active_at > ceiling ? slot * SLOT_MS : row.last_active_at;
    const first = Math.min(Math.max(row.first_active_at, floor), last);
    update.run(first, last, ...key);
  }
}
