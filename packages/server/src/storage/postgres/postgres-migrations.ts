// PostgreSQL schema migrations: the SQLite schema's tables and keys in PostgreSQL types, in order.
import type pg from "pg";
import { EVENT_TIME_FLOOR_MS } from "../event-time-bounds.js";
import { SLOT_MS } from "../storage.js";

/** The repair's upper bound: a day after the moment it runs (as SQLite's, sqlite-time-repair.ts). */
const REPAIR_CEILING = "((extract(epoch FROM clock_timestamp()) * 1000)::bigint + 86400000)";
const FLOOR_SLOT = Math.floor(EVENT_TIME_FLOOR_MS / SLOT_MS);

export interface PostgresMigration {
  version: number;
  name: string;
  sql: string;
}

/**
 * Held for the migrating transaction: nodes starting together apply each migration once, the
 * others wait and then find nothing left to do. Advisory locks are per database.
 */
const MIGRATION_LOCK = 7_265_637_016;

/** Same tables, keys and indexes as the SQLite schema; epoch milliseconds are BIGINT. */
export const postgresMigrations: PostgresMigration[] = [
  {
    version: 1,
    name: "presence facts",
    sql: `
      CREATE TABLE platforms (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        secrets TEXT NOT NULL,
        created_at BIGINT NOT NULL
      );
      CREATE TABLE users (
        platform_id TEXT NOT NULL,
        id TEXT NOT NULL,
        name TEXT NOT NULL,
        email TEXT NOT NULL,
        role TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        last_seen_at BIGINT,
        PRIMARY KEY (platform_id, id)
      );
      CREATE TABLE sessions (
        platform_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        started_at BIGINT NOT NULL,
        ended_at BIGINT,
        last_live_at BIGINT NOT NULL,
        PRIMARY KEY (platform_id, user_id, started_at)
      );
      CREATE INDEX sessions_open ON sessions (platform_id) WHERE ended_at IS NULL;
      CREATE INDEX sessions_ended ON sessions (platform_id, ended_at);
      CREATE TABLE page_visits (
        platform_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        tab TEXT NOT NULL,
        started_at BIGINT NOT NULL,
        ended_at BIGINT,
        path TEXT NOT NULL,
        title TEXT NOT NULL,
        app TEXT,
        PRIMARY KEY (platform_id, user_id, tab, started_at)
      );
      CREATE INDEX page_visits_user_time ON page_visits (platform_id, user_id, started_at);
      CREATE TABLE active_intervals (
        platform_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        app TEXT NOT NULL,
        started_at BIGINT NOT NULL,
        ended_at BIGINT,
        PRIMARY KEY (platform_id, user_id, app, started_at)
      );
      CREATE TABLE events (
        platform_id TEXT NOT NULL,
        id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        name TEXT NOT NULL,
        app TEXT,
        ts BIGINT NOT NULL,
        props TEXT,
        PRIMARY KEY (platform_id, id)
      );
      CREATE INDEX events_user_time ON events (platform_id, user_id, ts);
      CREATE TABLE operators (
        email TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        created_at BIGINT NOT NULL
      );
      CREATE TABLE viewer_sessions (
        id_hash TEXT PRIMARY KEY,
        viewer TEXT NOT NULL,
        expires_at BIGINT NOT NULL
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
        slot BIGINT NOT NULL,
        user_id TEXT NOT NULL,
        PRIMARY KEY (platform_id, app, slot, user_id)
      );
      CREATE INDEX activity_slots_time ON activity_slots (platform_id, slot, user_id);
      CREATE INDEX activity_slots_user ON activity_slots (platform_id, user_id);
      CREATE TABLE event_counts (
        platform_id TEXT NOT NULL,
        app TEXT NOT NULL,
        name TEXT NOT NULL,
        user_id TEXT NOT NULL,
        slot BIGINT NOT NULL,
        count BIGINT NOT NULL,
        PRIMARY KEY (platform_id, app, name, slot, user_id)
      );
      CREATE INDEX event_counts_user ON event_counts (platform_id, user_id);
      CREATE TABLE user_apps (
        platform_id TEXT NOT NULL,
        app TEXT NOT NULL,
        user_id TEXT NOT NULL,
        first_active_at BIGINT NOT NULL,
        last_active_at BIGINT NOT NULL,
        PRIMARY KEY (platform_id, app, user_id)
      );
      CREATE INDEX user_apps_user ON user_apps (platform_id, user_id);
    `,
  },
  {
    version: 3,
    name: "events by time, for retention",
    sql: "CREATE INDEX events_ts ON events (ts)",
  },
  {
    version: 4,
    name: "event times within bounds",
    // As SQLite's migration 7: events before 2000 or more than a day after now go, with the
    // rollup rows of slots outside that window; user_apps rows touched by them are recomputed
    // from the slots left (their last activity: the start of the latest), or go if none is left.
    sql: `
      CREATE TEMPORARY TABLE repair_window ON COMMIT DROP AS
        SELECT ${EVENT_TIME_FLOOR_MS}::bigint AS floor, ${REPAIR_CEILING} AS ceiling;
      DELETE FROM events USING repair_window w WHERE ts < w.floor OR ts > w.ceiling;
      DELETE FROM activity_slots USING repair_window w
        WHERE slot < ${FLOOR_SLOT} OR slot > floor(w.ceiling / ${SLOT_MS}::numeric);
      DELETE FROM event_counts USING repair_window w
        WHERE slot < ${FLOOR_SLOT} OR slot > floor(w.ceiling / ${SLOT_MS}::numeric);
      DELETE FROM user_apps u USING repair_window w
        WHERE (u.first_active_at < w.floor OR u.last_active_at > w.ceiling)
          AND NOT EXISTS (
            SELECT 1 FROM activity_slots a
            WHERE a.platform_id = u.platform_id AND a.user_id = u.user_id AND a.app = u.app
          );
      UPDATE user_apps u SET
        last_active_at = CASE WHEN u.last_active_at > w.ceiling THEN (
            SELECT max(a.slot) * ${SLOT_MS} FROM activity_slots a
            WHERE a.platform_id = u.platform_id AND a.user_id = u.user_id AND a.app = u.app
          ) ELSE u.last_active_at END
        FROM repair_window w
        WHERE u.first_active_at < w.floor OR u.last_active_at > w.ceiling;
      UPDATE user_apps SET first_active_at = least(greatest(first_active_at, ${EVENT_TIME_FLOOR_MS}), last_active_at)
        WHERE first_active_at < ${EVENT_TIME_FLOOR_MS};
    `,
  },
  {
    version: 5,
    name: "the activity index's change log",
    // Every node keeps the analytics in memory and follows this log (postgres-index-log.ts). The
    // head row is updated by each logging transaction, so their sequence numbers follow commit
    // order without gaps: a reader that has seen n has seen every change before it.
    sql: `
      CREATE TABLE index_head (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        seq BIGINT NOT NULL,
        source TEXT NOT NULL
      );
      INSERT INTO index_head (id, seq, source) VALUES (1, 0, gen_random_uuid()::text);
      CREATE TABLE index_log (
        seq BIGINT PRIMARY KEY,
        written_at BIGINT NOT NULL,
        ops TEXT NOT NULL,
        events TEXT NOT NULL
      );
      CREATE INDEX index_log_written ON index_log (written_at);
    `,
  },
  {
    version: 6,
    name: "a shared snapshot of the activity index",
    // What a node without a snapshot of its own starts from (postgres-shared-snapshot.ts).
    sql: `
      CREATE TABLE index_snapshots (
        seq BIGINT PRIMARY KEY,
        parts INTEGER NOT NULL,
        saved_at BIGINT NOT NULL
      );
      CREATE TABLE index_snapshot_parts (
        seq BIGINT NOT NULL,
        part INTEGER NOT NULL,
        data BYTEA NOT NULL,
        PRIMARY KEY (seq, part)
      );
    `,
  },
  {
    version: 7,
    name: "events and rollups without indexes by user",
    // As SQLite's migrations 5 and 6: a batch put a row on each active user's page of these
    // indexes; once they outgrew PostgreSQL's buffers each such write became a page read and a
    // page write (10 M events took about an hour to write). Erasing a user finds their rows by
    // the slots the activity index holds for them (postgres-erasure.ts); events by time, on a
    // covering index that also serves retention.
    sql: `
      DROP INDEX events_user_time;
      DROP INDEX events_ts;
      CREATE INDEX events_time ON events (ts, platform_id, user_id);
      DROP INDEX activity_slots_user;
      DROP INDEX event_counts_user;
    `,
  },
  {
    version: 8,
    name: "share links",
    // As SQLite's migration 9: read-only links to one app's Users report (share-link-store.ts).
    sql: `
      CREATE TABLE share_links (
        id TEXT PRIMARY KEY,
        platform_id TEXT NOT NULL,
        app TEXT NOT NULL,
        range_name TEXT NOT NULL,
        range_from TEXT,
        range_to TEXT,
        tz TEXT NOT NULL,
        include_table SMALLINT NOT NULL,
        label TEXT,
        created_by TEXT NOT NULL,
        created_by_name TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        revoked_at BIGINT
      );
      CREATE INDEX share_links_app ON share_links (platform_id, app, created_at);
    `,
  },
  {
    version: 9,
    name: "erasures in progress",
    // An erasure logs the user out of every index at its first step, then deletes their rows a
    // chunk of slots at a time (postgres-erasure.ts): the slots it set out to clear are kept here
    // until its last step, so an erasure cut short and asked again still finds them.
    sql: `
      CREATE TABLE erasures (
        platform_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        slots BIGINT[] NOT NULL,
        started_at BIGINT NOT NULL,
        PRIMARY KEY (platform_id, user_id)
      );
    `,
  },
];

/**
 * Applies the pending migrations in one transaction under the advisory lock, so a failed
 * migration leaves nothing half done. The client must be checked out for this call alone.
 */
export async function applyPostgresMigrations(
  client: pg.ClientBase,
  migrations: PostgresMigration[] = postgresMigrations,
): Promise<number[]> {
  await client.query("BEGIN");
  try {
    await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL
       )`,
    );
    const done = new Set(
      (await client.query<{ version: number }>("SELECT version FROM schema_migrations")).rows.map(
        (row) => Number(row.version),
      ),
    );
    const applied: number[] = [];
    for (const migration of migrations) {
      if (done.has(migration.version)) continue;
      await client.query(migration.sql);
      await client.query(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
        [migration.version, migration.name, Date.now()],
      );
      applied.push(migration.version);
    }
    await client.query("COMMIT");
    return applied;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}
