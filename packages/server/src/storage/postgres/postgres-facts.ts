// Turns one FactBatch into a few set-based PostgreSQL statements: facts, events and their rollups.
import { type FactBatch, SLOT_MS } from "../storage.js";
import { NO_APP } from "../storage-rows.js";

export interface Statement {
  text: string;
  values: unknown[];
}

/**
 * The statements for one batch, to run in this order in one transaction. Each takes its rows as
 * arrays (unnest), so a batch costs at most eight statements whatever its size; kinds of fact the
 * batch lacks cost none. Later statements see earlier ones' rows: a session started and ended in
 * the same batch ends. Inserts go in key order, so nodes writing at once take row locks in the
 * same order rather than deadlock. The events statement returns the events it inserted, as the
 * JSON the index log keeps (postgres-index-log.ts): the transaction then logs its entry.
 */
export function factStatements(batch: FactBatch, now: number): Statement[] {
  return [
    upsertUsers(batch, now),
    startSessions(batch),
    progressSessions(batch),
    startVisits(batch),
    endVisits(batch),
    startActive(batch),
    endActive(batch),
    eventsAndRollups(batch),
  ].filter((statement): statement is Statement => statement !== null);
}

function upsertUsers(batch: FactBatch, now: number): Statement | null {
  // One statement may not update a row twice: the last profile of a user wins, as in order.
  const users = lastByKey(batch.users, (u) => [u.platform, u.id]);
  if (users.length === 0) return null;
  return {
    text: `INSERT INTO users (platform_id, id, name, email, role, created_at, last_seen_at)
      SELECT p, id, name, email, role, $6, NULL
      FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
        AS t(p, id, name, email, role)
      ORDER BY p, id
      ON CONFLICT (platform_id, id) DO UPDATE SET
        name = excluded.name, email = excluded.email, role = excluded.role`,
    values: [
      users.map((u) => u.platform),
      users.map((u) => u.id),
      users.map((u) => u.name),
      users.map((u) => u.email),
      users.map((u) => u.role),
      now,
    ],
  };
}

function startSessions(batch: FactBatch): Statement | null {
  const started = batch.sessionsStarted;
  if (started.length === 0) return null;
  return {
    text: `INSERT INTO sessions (platform_id, user_id, started_at, ended_at, last_live_at)
      SELECT p, u, s, NULL, s FROM unnest($1::text[], $2::text[], $3::bigint[]) AS t(p, u, s)
      ORDER BY p, u, s
      ON CONFLICT DO NOTHING`,
    values: [
      started.map((s) => s.platform),
      started.map((s) => s.user),
      started.map((s) => s.startedAt),
    ],
  };
}

/**
 * Seen and ended sessions and the users' last seen, in one statement. A session both seen and
 * ended in the batch is only ended (its end overwrites what being seen would set), which also keeps
 * the two updates off the same row.
 */
function progressSessions(batch: FactBatch): Statement | null {
  const seen = batch.sessionsSeen;
  const ended = lastByKey(batch.sessionsEnded, (s) => [s.platform, s.user, String(s.startedAt)]);
  if (seen.length === 0 && ended.length === 0) return null;
  return {
    text: `WITH
      seen AS (
        SELECT p, u, s, max(a) AS at
        FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[]) AS t(p, u, s, a)
        GROUP BY p, u, s
      ),
      ended AS (
        SELECT * FROM unnest($5::text[], $6::text[], $7::bigint[], $8::bigint[]) AS t(p, u, s, e)
      ),
      see_sessions AS (
        UPDATE sessions x SET last_live_at = greatest(x.last_live_at, seen.at)
        FROM seen
        WHERE x.platform_id = seen.p AND x.user_id = seen.u AND x.started_at = seen.s
          AND x.ended_at IS NULL
          AND NOT EXISTS (
            SELECT 1 FROM ended WHERE ended.p = seen.p AND ended.u = seen.u AND ended.s = seen.s
          )
      ),
      end_sessions AS (
        UPDATE sessions x SET ended_at = ended.e, last_live_at = ended.e
        FROM ended
        WHERE x.platform_id = ended.p AND x.user_id = ended.u AND x.started_at = ended.s
      )
      UPDATE users x SET last_seen_at = greatest(coalesce(x.last_seen_at, 0), m.at)
      FROM (
        SELECT p, u, max(at) AS at
        FROM (SELECT p, u, at FROM seen UNION ALL SELECT p, u, e FROM ended) AS live
        GROUP BY p, u
      ) AS m
      WHERE x.platform_id = m.p AND x.id = m.u`,
    values: [
      seen.map((s) => s.platform),
      seen.map((s) => s.user),
      seen.map((s) => s.startedAt),
      seen.map((s) => s.at),
      ended.map((s) => s.platform),
      ended.map((s) => s.user),
      ended.map((s) => s.startedAt),
      ended.map((s) => s.endedAt),
    ],
  };
}

function startVisits(batch: FactBatch): Statement | null {
  // A repeated start is skipped: the first one stays, as in order.
  const started = firstByKey(batch.visitsStarted, (v) => [
    v.platform,
    v.user,
    v.tab,
    String(v.startedAt),
  ]);
  if (started.length === 0) return null;
  return {
    text: `INSERT INTO page_visits (platform_id, user_id, tab, started_at, ended_at, path, title, app)
      SELECT p, u, tab, s, NULL, path, title, app
      FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[])
        AS t(p, u, tab, s, path, title, app)
      ORDER BY p, u, tab, s
      ON CONFLICT DO NOTHING`,
    values: [
      started.map((v) => v.platform),
      started.map((v) => v.user),
      started.map((v) => v.tab),
      started.map((v) => v.startedAt),
      started.map((v) => v.page.path),
      started.map((v) => v.page.title),
      started.map((v) => v.page.app ?? null),
    ],
  };
}

function endVisits(batch: FactBatch): Statement | null {
  const ended = lastByKey(batch.visitsEnded, (v) => [
    v.platform,
    v.user,
    v.tab,
    String(v.startedAt),
  ]);
  if (ended.length === 0) return null;
  return {
    text: `UPDATE page_visits x SET ended_at = t.e
      FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[]) AS t(p, u, tab, s, e)
      WHERE x.platform_id = t.p AND x.user_id = t.u AND x.tab = t.tab AND x.started_at = t.s`,
    values: [
      ended.map((v) => v.platform),
      ended.map((v) => v.user),
      ended.map((v) => v.tab),
      ended.map((v) => v.startedAt),
      ended.map((v) => v.endedAt),
    ],
  };
}

function startActive(batch: FactBatch): Statement | null {
  const started = batch.activeStarted;
  if (started.length === 0) return null;
  return {
    text: `INSERT INTO active_intervals (platform_id, user_id, app, started_at, ended_at)
      SELECT p, u, app, s, NULL
      FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) AS t(p, u, app, s)
      ORDER BY p, u, app, s
      ON CONFLICT DO NOTHING`,
    values: [
      started.map((a) => a.platform),
      started.map((a) => a.user),
      started.map((a) => a.app ?? NO_APP),
      started.map((a) => a.startedAt),
    ],
  };
}

function endActive(batch: FactBatch): Statement | null {
  const ended = lastByKey(batch.activeEnded, (a) => [
    a.platform,
    a.user,
    a.app ?? NO_APP,
    String(a.startedAt),
  ]);
  if (ended.length === 0) return null;
  return {
    text: `UPDATE active_intervals x SET ended_at = t.e
      FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[]) AS t(p, u, app, s, e)
      WHERE x.platform_id = t.p AND x.user_id = t.u AND x.app = t.app AND x.started_at = t.s`,
    values: [
      ended.map((a) => a.platform),
      ended.map((a) => a.user),
      ended.map((a) => a.app ?? NO_APP),
      ended.map((a) => a.startedAt),
      ended.map((a) => a.endedAt),
    ],
  };
}

/** The rows a `new_events` CTE inserted, as JSON the index log keeps (postgres-index-log.ts). */
const NEW_EVENTS_JSON = `(SELECT coalesce(json_agg(json_build_array(
        platform_id, app, name, user_id, ts)), '[]')::text FROM new_events)`;

/** floor(ms / SLOT_MS) in exact numeric arithmetic (integer division truncates towards zero). */
const slotOf = (ms: string) => `floor(${ms} / ${SLOT_MS}::numeric)::bigint`;

/**
 * Events, and the rollups that activity feeds, in one statement. Only events this statement
 * inserts (RETURNING) are counted and marked, so a retried id changes no count. Active intervals
 * and marks mark the slots from start to end ([start, end), or the start slot if empty) and move
 * the user's first and last activity in the app. Returns the events it inserted (`new_events`).
 */
function eventsAndRollups(batch: FactBatch): Statement | null {
  // A repeated id in the batch keeps its first occurrence, as in order.
  const events = firstByKey(batch.events, (e) => [e.platform, e.id]);
  const marks = [
    ...batch.activeStarted.map((a) => ({ ...a, from: a.startedAt, to: a.startedAt })),
    ...batch.activeEnded.map((a) => ({ ...a, from: a.startedAt, to: a.endedAt })),
    ...batch.activeSeen.map((a) => ({ ...a, from: a.at, to: a.at })),
  ];
  if (events.length === 0 && marks.length === 0) return null;
  return {
    text: `WITH
      new_events AS (
        INSERT INTO events (platform_id, id, user_id, name, app, ts, props)
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],
          $6::bigint[], $7::text[]) AS t(platform_id, id, user_id, name, app, ts, props)
        ORDER BY platform_id, id
        ON CONFLICT DO NOTHING
        RETURNING platform_id, user_id, name, coalesce(app, '${NO_APP}') AS app, ts
      ),
      counted AS (
        INSERT INTO event_counts (platform_id, app, name, user_id, slot, count)
        SELECT platform_id, app, name, user_id, ${slotOf("ts")} AS slot, count(*)
        FROM new_events GROUP BY platform_id, app, name, user_id, slot
        ORDER BY platform_id, app, name, slot, user_id
        ON CONFLICT (platform_id, app, name, slot, user_id)
          DO UPDATE SET count = event_counts.count + excluded.count
      ),
      marks AS (
        SELECT * FROM unnest($8::text[], $9::text[], $10::text[], $11::bigint[], $12::bigint[])
          AS t(platform_id, user_id, app, first_at, last_at)
        UNION ALL
        SELECT platform_id, user_id, app, ts, ts FROM new_events
      ),
      slotted AS (
        INSERT INTO activity_slots (platform_id, app, slot, user_id)
        SELECT DISTINCT platform_id, app, generate_series(
          ${slotOf("first_at")},
          CASE WHEN last_at > first_at THEN ceil(last_at / ${SLOT_MS}::numeric)::bigint - 1
               ELSE ${slotOf("first_at")} END
        ) AS slot, user_id
        FROM marks
        ORDER BY platform_id, app, slot, user_id
        ON CONFLICT DO NOTHING
      ),
      touched AS (
        INSERT INTO user_apps (platform_id, app, user_id, first_active_at, last_active_at)
        SELECT platform_id, app, user_id, min(first_at), max(greatest(first_at, last_at))
        FROM marks GROUP BY platform_id, app, user_id
        ORDER BY platform_id, app, user_id
        ON CONFLICT (platform_id, app, user_id) DO UPDATE SET
          first_active_at = least(user_apps.first_active_at, excluded.first_active_at),
          last_active_at = greatest(user_apps.last_active_at, excluded.last_active_at)
      )
      SELECT ${NEW_EVENTS_JSON} AS new_events`,
    values: [
      events.map((e) => e.platform),
      events.map((e) => e.id),
      events.map((e) => e.user),
      events.map((e) => e.name),
      events.map((e) => e.app),
      events.map((e) => e.ts),
      events.map((e) => (e.props === null ? null : JSON.stringify(e.props))),
      marks.map((m) => m.platform),
      marks.map((m) => m.user),
      marks.map((m) => m.app ?? NO_APP),
      marks.map((m) => m.from),
      marks.map((m) => m.to),
    ],
  };
}

function firstByKey<T>(items: T[], key: (item: T) => string[]): T[] {
  const kept = new Map<string, T>();
  for (const item of items) {
    const k = JSON.stringify(key(item));
    if (!kept.has(k)) kept.set(k, item);
  }
  return [...kept.values()];
}

function lastByKey<T>(items: T[], key: (item: T) => string[]): T[] {
  const kept = new Map<string, T>();
  for (const item of items) kept.set(JSON.stringify(key(item)), item);
  return [...kept.values()];
}
