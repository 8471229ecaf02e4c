// SQLite writes shared by the storage and its writer thread: how a connection is opened, and a
// FactBatch (facts, events and the rollups they feed); erasing a user is sqlite-erasure.ts.
import Database from "better-sqlite3";
import type { IndexWrites } from "../activity-index/activity-index.js";
import { type FactBatch, SLOT_MS, slotsBetween } from "../storage.js";
import { NO_APP } from "../storage-rows.js";
import { logIndexWrites } from "./sqlite-index-log.js";

export type StatementCache = (sql: string) => Database.Statement;

/**
 * Opens the file as every connection to it does: WAL (its file cut back to 128 MiB when it starts
 * over), commits that survive a process crash, and a page cache of up to 32 MiB.
 */
export function openSqliteDatabase(file: string): Database.Database {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("busy_timeout = 5000");
  db.pragma("foreign_keys = ON");
  // Up to 32 MiB of pages per connection (SQLite's default is 2 MiB), filled only as a big
  // file is used: each event updates ~8 B-trees. Writing 1.5 M events in batches: 115 s at
  // 2 MiB, 97 s at 32, 93 s at 128; past ~1.5 M the indexes outgrow 32 MiB too and both write
  // at the same rate (BENCHMARKS.md).
  db.pragma("cache_size = -32768");
  // The WAL file is reused, not shrunk, once checkpointed: while the analytics load holds their
  // snapshot it can grow by GBs under ingest (the 10 M-event file: 3.1 GB in 55 s at full rate),
  // and without a limit it kept that size until the server stopped. Sustained writes alone take
  // it to ~120 MB (sqlite-fact-thread.ts), under this limit.
  db.pragma("journal_size_limit = 134217728");
  return db;
}

/** Prepares each SQL text once, then reuses it. */
export function statementCache(db: Database.Database): StatementCache {
  const statements = new Map<string, Database.Statement>();
  return (sql) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
}

/**
 * Runs inside the caller's transaction; what feeds the analytics also goes to `indexed`, and
 * into the index's change log (migration 8) as one row. Returns the count of user writes after
 * this one when the batch holds users (migration 4), else null: a count that moved by more than
 * this batch's one means another process wrote users meanwhile.
 */
export function writeSqliteFacts(
  stmt: StatementCache,
  batch: FactBatch,
  now: number,
  indexed: IndexWrites,
): number | null {
  const upsertUser = stmt(
    `INSERT INTO users (platform_id, id, name, email, role, created_at, last_seen_at)
     VALUES (?, ?, ?, ?, ?, ?, NULL)
     ON CONFLICT (platform_id, id) DO UPDATE SET
       name = excluded.name, email = excluded.email, role = excluded.role`,
  );
  for (const u of batch.users) {
    upsertUser.run(u.platform, u.id, u.name, u.email, u.role, now);
    indexed.setUser(u.platform, u.id, u.name, u.email, u.role);
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
        indexed.markSlot(platform, app, user, slot);
      }
    }
    touchUserApp.run(platform, app, user, start, Math.max(start, end));
    indexed.touchApp(platform, app, user, Math.max(start, end));
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
    indexed.countEvent(e.platform, app, e.name, e.user, Math.floor(e.ts / SLOT_MS));
    markActive(e.platform, e.user, app, e.ts, e.ts);
  }

  logIndexWrites(stmt, indexed);
  if (batch.users.length === 0) return null;
  const counted = stmt("UPDATE user_writes SET count = count + 1 RETURNING count").get() as {
    count: number;
  };
  return Number(counted.count);
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
