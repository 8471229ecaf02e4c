// The analytics queries in PostgreSQL's dialect, over the rollups (never the raw events): one query each.
import type { AppRecord, AppScope, SlotWindow, UserTableQuery, UserTableRow } from "../storage.js";
import { NO_APP } from "../storage-rows.js";

type Row = Record<string, unknown>;

/** Runs one statement and returns its rows. */
export type Run = (text: string, values: unknown[]) => Promise<Row[]>;

/** Collects bound values and hands out their placeholders, so SQL and values cannot drift. */
class Params {
  readonly values: unknown[] = [];

  add(value: unknown, cast = ""): string {
    this.values.push(value);
    return `$${this.values.length}${cast}`;
  }
}

export async function countActiveUsers(
  run: Run,
  scope: AppScope,
  windows: SlotWindow[],
): Promise<number[]> {
  const counts = new Array<number>(windows.length).fill(0);
  if (windows.length === 0) return counts;
  const p = new Params();
  const w = [
    p.add(
      windows.map((_, i) => i),
      "::int[]",
    ),
    p.add(
      windows.map((x) => x.start),
      "::bigint[]",
    ),
    p.add(
      windows.map((x) => x.end),
      "::bigint[]",
    ),
  ].join(", ");
  const appFilter = scope.app === null ? "" : `AND a.app = ${p.add(scope.app)}`;
  // A lateral join gives each window its own index range scan, whatever the planner's statistics
  // say: a plain join, planned on a freshly loaded table, may rescan every slot per window.
  const rows = await run(
    `SELECT w.i AS i, c.n AS n
     FROM unnest(${w}) AS w(i, s, e)
     CROSS JOIN LATERAL (
       SELECT count(DISTINCT a.user_id) AS n FROM activity_slots a
       WHERE a.platform_id = ${p.add(scope.platform)} ${appFilter}
         AND a.slot >= w.s AND a.slot < w.e
     ) AS c`,
    p.values,
  );
  for (const row of rows) counts[Number(row.i)] = Number(row.n);
  return counts;
}

export async function countKnownUsers(run: Run, scope: AppScope): Promise<number> {
  const [row] =
    scope.app === null
      ? await run("SELECT count(*) AS n FROM users WHERE platform_id = $1", [scope.platform])
      : await run("SELECT count(*) AS n FROM user_apps WHERE platform_id = $1 AND app = $2", [
          scope.platform,
          scope.app,
        ]);
  return Number(row?.n ?? 0);
}

export async function listApps(run: Run, platform: string): Promise<AppRecord[]> {
  const rows = await run(
    `SELECT app, count(*) AS users, max(last_active_at) AS last FROM user_apps
     WHERE platform_id = $1 AND app <> '${NO_APP}' GROUP BY app ORDER BY app COLLATE "C"`,
    [platform],
  );
  return rows.map((row) => ({
    id: String(row.app),
    users: Number(row.users),
    lastActivityAt: row.last === null ? null : Number(row.last),
  }));
}

/**
 * A column lower-cased as JavaScript's toLowerCase does it, which the SQLite index uses: lower()
 * maps İ (U+0130) to a plain i, toLowerCase to i and a combining dot above (U+0307), so "İstanbul"
 * sorted after "ivan" on one and before it on the other. Final sigma still differs (docs/analytics.md).
 */
const lowered = (column: string) => `lower(replace(${column}, U&'\\0130', U&'i\\0307'))`;

/**
 * Text compares byte by byte ("C"), as the SQLite index does, whatever the database's locale;
 * lower() follows the database's LC_CTYPE: a UTF-8 one (C.UTF-8, en_US.UTF-8) lowers every letter,
 * as the index does, where "C" lowers only A–Z (docs/analytics.md).
 */
const SORT_SQL: Record<UserTableQuery["sort"], string> = {
  name: `${lowered("name")} COLLATE "C"`,
  messagesSent: "messages",
  lastActiveAt: "last_active",
};

/**
 * The filtered table's size and one page of it from one query (one snapshot): the page is joined
 * to the count, so the total comes back even when the page is past the end.
 */
export async function userTable(
  run: Run,
  query: UserTableQuery,
): Promise<{ total: number; rows: UserTableRow[] }> {
  const { scope } = query;
  const p = new Params();
  const platform = p.add(scope.platform);
  const app = scope.app === null ? null : p.add(scope.app);
  const known =
    app === null
      ? // One grouped pass over user_apps, joined: not a lookup per user.
        `SELECT u.id AS user_id, ua.last_active AS last_active FROM users u
         LEFT JOIN (SELECT user_id, max(last_active_at) AS last_active FROM user_apps
                    WHERE platform_id = ${platform} GROUP BY user_id) ua ON ua.user_id = u.id
         WHERE u.platform_id = ${platform}`
      : `SELECT user_id, last_active_at AS last_active FROM user_apps
         WHERE platform_id = ${platform} AND app = ${app}`;
  const messages = `SELECT user_id, sum(count)::bigint AS n FROM event_counts
    WHERE platform_id = ${platform} ${app === null ? "" : `AND app = ${app}`}
      AND name = ANY(${p.add(query.messageNames, "::text[]")})
      AND slot >= ${p.add(query.messages.start, "::bigint")}
      AND slot < ${p.add(query.messages.end, "::bigint")}
    GROUP BY user_id`;

  const filters = [`messages >= ${p.add(query.minMessages, "::numeric")}`];
  if (query.q) {
    const like = p.add(`%${query.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    filters.push(
      `(${lowered("name")} LIKE ${like} ESCAPE '\\' OR ${lowered("email")} LIKE ${like} ESCAPE '\\')`,
    );
  }
  if (query.inactiveBefore !== null) {
    filters.push(
      `(last_active IS NULL OR last_active < ${p.add(query.inactiveBefore, "::numeric")})`,
    );
  }

  const direction = query.order === "desc" ? "DESC" : "ASC";
  // Never-active users sort after everyone else, whichever the direction.
  const order = `${query.sort === "lastActiveAt" ? "last_active IS NULL, " : ""}${SORT_SQL[query.sort]} ${direction}, id COLLATE "C" ASC`;
  const page =
    query.limit === null
      ? ""
      : `LIMIT ${p.add(query.limit, "::bigint")} OFFSET ${p.add(query.offset, "::bigint")}`;

  const rows = await run(
    `WITH known AS (${known}), msgs AS (${messages}),
    listed AS (
      SELECT u.id AS id, u.name AS name, u.email AS email,
             coalesce(m.n, 0) AS messages, k.last_active AS last_active
      FROM known k
      JOIN users u ON u.platform_id = ${platform} AND u.id = k.user_id
      LEFT JOIN msgs m ON m.user_id = k.user_id
    ),
    filtered AS (SELECT * FROM listed WHERE ${filters.join(" AND ")}),
    paged AS (
      SELECT f.*, row_number() OVER (ORDER BY ${order}) AS position
      FROM filtered f ORDER BY position ${page}
    )
    SELECT t.total, paged.* FROM (SELECT count(*) AS total FROM filtered) AS t
    LEFT JOIN paged ON true
    ORDER BY paged.position`,
    p.values,
  );
  return {
    total: Number(rows[0]?.total ?? 0),
    rows: rows
      .filter((row) => row.id !== null)
      .map((row) => ({
        id: String(row.id),
        name: String(row.name),
        email: String(row.email),
        messagesSent: Number(row.messages),
        lastActiveAt: row.last_active === null ? null : Number(row.last_active),
      })),
  };
}
