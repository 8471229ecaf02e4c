// SQLite schema migrations, applied in order and recorded in schema_migrations.
import { randomUUID } from "node:crypto";
import type Database from "better-sqlite3";
import { repairEventTimes } from "./sqlite-time-repair.js";

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** Work SQL text alone cannot do, run after `sql` in the same transaction. */
  run?: (db: Database.Database, now: number) => void;
}

export const sqliteMigrations: Migration[] = [
  {
    version: 1,
    name: "presence facts",
    sql: `
      CREATE TABLE platforms (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        secrets TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE users (
        platform_id TEXT NOT NULL,
        id TEXT NOT NULL,
        name TEXT NOT NULL,
        email TEXT NOT NULL,
        role TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        last_seen_at INTEGER,
        PRIMARY KEY (platform_id, id)
      ) WITHOUT ROWID;
      CREATE TABLE sessions (
        platform_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        ended_at INTEGER,
        last_live_at INTEGER NOT NULL,
        PRIMARY KEY (platform_id, user_id, started_at)
      ) WITHOUT ROWID;
      CREATE INDEX sessions_open ON sessions (platform_id) WHERE ended_at IS NULL;
      CREATE INDEX sessions_ended ON sessions (platform_id, ended_at);
      CREATE TABLE page_visits (
        platform_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        tab TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        ended_at INTEGER,
        path TEXT NOT NULL,
        title TEXT NOT NULL,
        app TEXT,
        PRIMARY KEY (platform_id, user_id, tab, started_at)
      ) WITHOUT ROWID;
      CREATE INDEX page_visits_user_time ON page_visits (platform_id, user_id, started_at);
      CREATE TABLE active_intervals (
        platform_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        app TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        ended_at INTEGER,
        PRIMARY KEY (platform_id, user_id, app, started_at)
      ) WITHOUT ROWID;
      CREATE TABLE events (
        platform_id TEXT NOT NULL,
        id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        name TEXT NOT NULL,
        app TEXT,
        ts INTEGER NOT NULL,
        props TEXT,
        PRIMARY KEY (platform_id, id)
      ) WITHOUT ROWID;
      CREATE INDEX events_user_time ON events (platform_id, user_id, ts);
      CREATE TABLE operators (
        email TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE viewer_sessions (
        id_hash TEXT PRIMARY KEY,
        viewer TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: "analytics rollups",
    sql: `
      CREATE TABLE activity_slots (
        platform_id TEXT NOT NULL,
        app TEXT NOT NULL,
        slot INTEGER NOT NULL,
        user_id TEXT NOT NULL,
        PRIMARY KEY (platform_id, app, slot, user_id)
      ) WITHOUT ROWID;
      CREATE INDEX activity_slots_time ON activity_slots (platform_id, slot, user_id);
      CREATE INDEX activity_slots_user ON activity_slots (platform_id, user_id);
      CREATE TABLE event_counts (
        platform_id TEXT NOT NULL,
        app TEXT NOT NULL,
        name TEXT NOT NULL,
        user_id TEXT NOT NULL,
        slot INTEGER NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (platform_id, app, name, slot, user_id)
      ) WITHOUT ROWID;
      CREATE INDEX event_counts_user ON event_counts (platform_id, user_id);
      CREATE TABLE user_apps (
        platform_id TEXT NOT NULL,
        app TEXT NOT NULL,
        user_id TEXT NOT NULL,
        first_active_at INTEGER NOT NULL,
        last_active_at INTEGER NOT NULL,
        PRIMARY KEY (platform_id, app, user_id)
      ) WITHOUT ROWID;
      CREATE INDEX user_apps_user ON user_apps (platform_id, user_id);
    `,
  },
  {
    version: 3,
    name: "events by time, for retention",
    sql: "CREATE INDEX events_ts ON events (ts);",
  },
  {
    version: 4,
    name: "a count of user writes, so the server sees another process's user import",
    sql: `
      CREATE TABLE user_writes (id INTEGER PRIMARY KEY CHECK (id = 1), count INTEGER NOT NULL);
      INSERT INTO user_writes (id, count) VALUES (1, 0);
    `,
  },
  {
    version: 5,
    name: "events indexed by time only",
    // An index by user put each insert on one of as many pages as there are active users, and
    // halved the insert rate; erasing a user now finds their events by time, in the slots
    // event_counts holds for them (eraseSqliteUser), on this covering index.
    sql: `
      DROP INDEX events_user_time;
      DROP INDEX events_ts;
      CREATE INDEX events_time ON events (ts, platform_id, user_id);
    `,
  },
  {
    version: 6,
    name: "rollups without indexes by user",
    // Each new (user, app, slot) row landed on that user's page of both indexes: as the file
    // grew past the page cache, each write became a page read (10 M events took ~400 s to write,
    // 100 M would have taken ~6 h). Erasing a user finds their rows by slot (eraseSqliteUser).
    sql: `
      DROP INDEX activity_slots_user;
      DROP INDEX event_counts_user;
    `,
  },
  {
    version: 7,
    name: "event times within bounds",
    // Before the tracker's ts was bounded an event could be dated anywhere (9e15 broke every
    // date conversion and made erasure walk millions of slots): sqlite-time-repair.ts.
    sql: "",
    run: repairEventTimes,
  },
  {
    version: 8,
    name: "the activity index's change log",
    // What each committed batch (and erasure) did to the activity index, so that a snapshot of
    // the index saved beside the file plus the rows after it rebuild the index exactly
    // (sqlite-index-keeper.ts). The source is the identity of this file's data: a snapshot of
    // another file is never loaded. A migration that rewrites the rollups must set a new one.
    // AUTOINCREMENT: seqs never go back, even after the log is trimmed to nothing. A row's ops
    // are IndexWrites.toLogText (versioned JSON, each string once).
    sql: `
      CREATE TABLE index_meta (id INTEGER PRIMARY KEY CHECK (id = 1), source TEXT NOT NULL);
      CREATE TABLE index_log (seq INTEGER PRIMARY KEY AUTOINCREMENT, ops TEXT NOT NULL);
    `,
    run: (db) => {
      db.prepare("INSERT INTO index_meta (id, source) VALUES (1, ?)").run(randomUUID());
    },
  },
  {
    version: 9,
    name: "share links",
    // Read-only links to one app's Users report (share-link-store.ts). Listed by app, newest first.
    sql: `
      CREATE TABLE share_links (
        id TEXT PRIMARY KEY,
        platform_id TEXT NOT NULL,
        app TEXT NOT NULL,
        range_name TEXT NOT NULL,
        range_from TEXT,
        range_to TEXT,
        tz TEXT NOT NULL,
        include_table INTEGER NOT NULL,
        label TEXT,
        created_by TEXT NOT NULL,
        created_by_name TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        revoked_at INTEGER
      );
      CREATE INDEX share_links_app ON share_links (platform_id, app, created_at);
    `,
  },
  {
    version: 10,
    name: "erasures in progress",
    // An erasure takes the user out of the index at its first chunk, then deletes their rows a
    // chunk of slots at a time (sqlite-erasure.ts): the slots it set out to clear (a JSON array)
    // are kept here until its last chunk, so an erasure cut short and asked again finds them.
    sql: `
      CREATE TABLE erasures (
        platform_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        slots TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        PRIMARY KEY (platform_id, user_id)
      );
    `,
  },
];

/** Applies the migrations `db` lacks, each in its own transaction; returns their versions. */
export function applySqliteMigrations(db: Database.Database): number[] {
  db.exec(
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
  );
  const done = new Set(
    (db.prepare("SELECT version FROM schema_migrations").pluck().all() as number[]).map(Number),
  );
  const applied: number[] = [];
  for (const migration of sqliteMigrations) {
    if (done.has(migration.version)) continue;
    db.transaction(() => {
      if (migration.sql) db.exec(migration.sql);
      migration.run?.(db, Date.now());
      db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)").run(
        migration.version,
        migration.name,
        Date.now(),
      );
    })();
    applied.push(migration.version);
  }
  return applied;
}
