// Writes one FactBatch into SQLite: the engine's facts, events, and the analytics rollups they feed.
import type Database from "better-sqlite3";
import type { IndexWrites } from "../activity-index/activity-index.js";
import { type FactBatch, SLOT_MS } from "../storage.js";
import { NO_APP } from "../storage-rows.js";

export type StatementCache = (sql: string) => Database.Statement;

/** Slots an activity from `start` to `end` touches: [start, end), or the start slot if empty. */
export function slotsBetween(start: number, end: number): [first: number, last: number] {
  const first = Math.floor(start / SLOT_MS);
  const last = end > start ? Math.ceil(end / SLOT_MS) - 1 : first;
  return [first, last];
}

/** Runs inside the caller's transaction; what feeds the analytics also goes to `indexed`. */
export function writeSqliteFacts(
  stmt: StatementCache,
  batch: FactBatch,
  now: number,
  indexed: IndexWrites | null,
): void {
  const upsertUser = stmt(
    `INSERT INTO users (platform_id, id, name, email, role, created_at, last_seen_at)
     VALUES (?, ?, ?, ?, ?, ?, NULL)
     ON CONFLICT (platform_id, id) DO UPDATE SET
       name = excluded.name, email = excluded.email, role = excluded.role`,
  );
  for (const u of batch.users) {
    upsertUser.run(u.platform, u.id, u.name, u.email, u.role, now);
    indexed?.setUser(u.platform, u.id, u.name, u.email);
  }

  writeSessions(stmt, batch);
  writeVisits(stmt, batch);

  const markSlot = stmt(
    `INSERT INTO activity_slots (platform_id, app, slot, user_id) VALUES (?, ?, ?, ?)
     ON CONFLICT DO NOTHING`,
  );
  const touchUserApp = stmt(
    `INSERT INTO user_apps (platform_id, app, user_id, first_active_at, last_active_at)
     VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (platform_id, app, user_id) DO UPDATE SET
       first_active_at = min(first_active_at, excluded.first_active_at),
       last_active_at = max(last_active_at, excluded.last_active_at)`,
  );
  const markActive = (platform: string, user: string, app: string, start: number, end: number) => {
    const [first, last] = slotsBetween(start, end);
    for (let slot = first; slot <= last; slot++) {
      if (markSlot.run(platform, app, slot, user).changes > 0) {
        indexed?.markSlot(platform, app, user, slot);
      }
    }
    touchUserApp.run(platform, app, user, start, Math.max(start, end));
    indexed?.touchApp(platform, app, user, Math.max(start, end));
  };

  const startActive = stmt(
    `INSERT INTO active_intervals (platform_id, user_id, app, started_at, ended_at)
     VALUES (?, ?, ?, ?, NULL) ON CONFLICT DO NOTHING`,
  );
  for (const a of batch.activeStarted) {
    const app = a.app ?? NO_APP;
    startActive.run(a.platform, a.user, app, a.startedAt);
    markActive(a.platform, a.user, app, a.startedAt, a.startedAt);
  }
  const endActive = stmt(
    `UPDATE active_intervals SET ended_at = ?
     WHERE platform_id = ? AND user_id = ? AND app = ? AND started_at = ?`,
  );
  for (const a of batch.activeEnded) {
    const app = a.app ?? NO_APP;
    endActive.run(a.endedAt, a.platform, a.user, app, a.startedAt);
    markActive(a.platform, a.user, app, a.startedAt, a.endedAt);
  }
  for (const a of batch.activeSeen) markActive(a.platform, a.user, a.app ?? NO_APP, a.at, a.at);

  const insertEvent = stmt(
    `INSERT INTO events (platform_id, id, user_id, name, app, ts, props)
     VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  );
  const countEvent = stmt(
    `INSERT INTO event_counts (platform_id, app, name, user_id, slot, count) VALUES (?, ?, ?, ?, ?, 1)
     ON CONFLICT (platform_id, app, name, slot, user_id) DO UPDATE SET count = count + 1`,
  );
  for (const e of batch.events) {
    const props = e.props === null ? null : JSON.stringify(e.props);
    const inserted = insertEvent.run(e.platform, e.id, e.user, e.name, e.app, e.ts, props);
    // A repeated id changes nothing, rollups included: retries are safe.
    if (inserted.changes === 0) continue;
    const app = e.app ?? NO_APP;
    countEvent.run(e.platform, app, e.name, e.user, Math.floor(e.ts / SLOT_MS));
    indexed?.countEvent(e.platform, app, e.name, e.user, Math.floor(e.ts / SLOT_MS));
    markActive(e.platform, e.user, app, e.ts, e.ts);
  }
}

function writeSessions(stmt: StatementCache, batch: FactBatch): void {
  const startSession = stmt(
    `INSERT INTO sessions (platform_id, user_id, started_at, ended_at, last_live_at)
     VALUES (?, ?, ?, NULL, ?) ON CONFLICT DO NOTHING`,
  );
  for (const s of batch.sessionsStarted)
    startSession.run(s.platform, s.user, s.startedAt, s.startedAt);
  const seeSession = stmt(
    `UPDATE sessions SET last_live_at = max(last_live_at, ?)
     WHERE platform_id = ? AND user_id = ? AND started_at = ? AND ended_at IS NULL`,
  );
  const seeUser = stmt(
    `UPDATE users SET last_seen_at = max(coalesce(last_seen_at, 0), ?)
     WHERE platform_id = ? AND id = ?`,
  );
  for (const s of batch.sessionsSeen) {
    seeSession.run(s.at, s.platform, s.user, s.startedAt);
    seeUser.run(s.at, s.platform, s.user);
  }
  const endSession = stmt(
    `UPDATE sessions SET ended_at = ?, last_live_at = ?
     WHERE platform_id = ? AND user_id = ? AND started_at = ?`,
  );
  for (const s of batch.sessionsEnded) {
    endSession.run(s.endedAt, s.endedAt, s.platform, s.user, s.startedAt);
    seeUser.run(s.endedAt, s.platform, s.user);
  }
}

function writeVisits(stmt: StatementCache, batch: FactBatch): void {
  const startVisit = stmt(
    `INSERT INTO page_visits (platform_id, user_id, tab, started_at, ended_at, path, title, app)
     VALUES (?, ?, ?, ?, NULL, ?, ?, ?) ON CONFLICT DO NOTHING`,
  );
  for (const v of batch.visitsStarted) {
    startVisit.run(
      v.platform,
      v.user,
      v.tab,
      v.startedAt,
      v.page.path,
      v.page.title,
      v.page.app ?? null,
    );
  }
  const endVisit = stmt(
    `UPDATE page_visits SET ended_at = ?
     WHERE platform_id = ? AND user_id = ? AND tab = ? AND started_at = ?`,
  );
  for (const v of batch.visitsEnded)
    endVisit.run(v.endedAt, v.platform, v.user, v.tab, v.startedAt);
}
