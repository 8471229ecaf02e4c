// The analytics queries in SQLite's dialect, over the rollups: what the in-memory activity index
// answers in production, kept as the reference the index is tested against (activity-index.test.ts).
import { foldText, searchNeedle } from "@rollcall/protocol";
import type Database from "better-sqlite3";
import type { AppScope, SlotWindow, UserTableQuery, UserTableResult } from "../storage.js";
import type { StatementCache } from "./sqlite-facts.js";

type Row = Record<string, unknown>;

/** Windows per statement: 3 bound values each, well under SQLite's variable limit. */
const WINDOWS_PER_QUERY = 2_000;

export function countActiveUsers(
  stmt: StatementCache,
  scope: AppScope,
  windows: SlotWindow[],
): number[] {
  const counts = new Array<number>(windows.length).fill(0);
  for (let offset = 0; offset < windows.length; offset += WINDOWS_PER_QUERY) {
    const chunk = windows.slice(offset, offset + WINDOWS_PER_QUERY);
    const values = chunk.map(() => "(?, ?, ?)").join(", ");
    const appFilter = scope.app === null ? "" : "AND a.app = ?";
    const sql = `WITH w(i, s, e) AS (VALUES ${values})
      SELECT w.i AS i, count(DISTINCT a.user_id) AS n
      FROM w JOIN activity_slots a
        ON a.platform_id = ? ${appFilter} AND a.slot >= w.s AND a.slot < w.e
      GROUP BY w.i`;
    const params: Array<string | number> = [];
    for (const [i, window] of chunk.entries()) params.push(offset + i, window.start, window.end);
    params.push(scope.platform);
    if (scope.app !== null) params.push(scope.app);
    for (const row of stmt(sql).all(...params) as Row[]) counts[Number(row.i)] = Number(row.n);
  }
  return counts;
}

/**
 * Names are sorted lower-cased by Unicode's default mapping, and names and emails searched folded
 * (foldText), as the index does; SQLite's own lower() changes only A–Z. `userTable` needs both
 * defined on its connection.
 */
export function defineTextFunctions(db: Database.Database): void {
  db.function("unicode_lower", { deterministic: true }, (text: unknown) =>
    typeof text === "string" ? text.toLowerCase() : text,
  );
  db.function("search_fold", { deterministic: true }, (text: unknown) =>
    typeof text === "string" ? foldText(text) : text,
  );
}

const SORT_SQL: Record<UserTableQuery["sort"], string> = {
  name: "unicode_lower(name)",
  messagesSent: "messages",
  lastActiveAt: "last_active",
};

export function userTable(stmt: StatementCache, query: UserTableQuery): UserTableResult {
  const { scope } = query;
  const appParams = scope.app === null ? [] : [scope.app];
  const known =
    scope.app === null
      ? // One grouped pass over user_apps, joined: not a lookup per user (10 s at 100k users).
        `SELECT u.id AS user_id, ua.last_active AS last_active FROM users u
         LEFT JOIN (SELECT user_id, max(last_active_at) AS last_active FROM user_apps
                    WHERE platform_id = ? GROUP BY user_id) ua ON ua.user_id = u.id
         WHERE u.platform_id = ?`
      : `SELECT user_id, last_active_at AS last_active FROM user_apps
         WHERE platform_id = ? AND app = ?`;
  const messages = `SELECT user_id, sum(count) AS n FROM event_counts
    WHERE platform_id = ? ${scope.app === null ? "" : "AND app = ?"}
      AND name IN (${query.messageNames.map(() => "?").join(", ")}) AND slot >= ? AND slot < ?
    GROUP BY user_id`;

  const filters: string[] = ["messages >= ?"];
  const filterParams: Array<string | number> = [query.minMessages];
  if (query.maxMessages !== null) {
    filters.push("messages <= ?");
    filterParams.push(query.maxMessages);
  }
  if (query.role !== null) {
    filters.push("unicode_lower(role) = ?");
    filterParams.push(query.role.toLowerCase());
  }
  if (query.members === "active") {
    filters.push(`EXISTS (SELECT 1 FROM activity_slots a WHERE a.platform_id = ?
      ${scope.app === null ? "" : "AND a.app = ?"} AND a.user_id = rows.id AND a.slot >= ? AND a.slot < ?)`);
    filterParams.push(scope.platform, ...appParams, query.messages.start, query.messages.end);
  }
  const needle = query.q === null ? "" : searchNeedle(query.q);
  if (needle !== "") {
    filters.push("(instr(search_fold(name), ?) > 0 OR instr(search_fold(email), ?) > 0)");
    filterParams.push(needle, needle);
  }
  if (query.inactiveBefore !== null) {
    filters.push("(last_active IS NULL OR last_active < ?)");
    filterParams.push(query.inactiveBefore);
  }

  const base = `WITH known AS (${known}), msgs AS (${messages}),
    rows AS (
      SELECT u.id AS id, u.name AS name, u.email AS email, u.role AS role,
             coalesce(m.n, 0) AS messages, k.last_active AS last_active
      FROM known k
      JOIN users u ON u.platform_id = ? AND u.id = k.user_id
      LEFT JOIN msgs m ON m.user_id = k.user_id
    )
    SELECT * FROM rows WHERE ${filters.join(" AND ")}`;
  const allParams = [
    scope.platform,
    ...(scope.app === null ? [scope.platform] : appParams),
    scope.platform,
    ...appParams,
    ...query.messageNames,
    query.messages.start,
    query.messages.end,
    scope.platform,
    ...filterParams,
  ];

  const total = Number((stmt(`SELECT count(*) AS n FROM (${base})`).get(...allParams) as Row).n);
  const direction = query.order === "desc" ? "DESC" : "ASC";
  // Never-active users sort after everyone else, whichever the direction.
  const order = `${query.sort === "lastActiveAt" ? "last_active IS NULL, " : ""}${SORT_SQL[query.sort]} ${direction}, id ASC`;
  const page = query.limit === null ? "" : " LIMIT ? OFFSET ?";
  const pageParams = query.limit === null ? [] : [query.limit, query.offset];
  const rows = (
    stmt(`${base} ORDER BY ${order}${page}`).all(...allParams, ...pageParams) as Row[]
  ).map((row) => ({
    id: String(row.id),
    name: String(row.name),
    email: String(row.email),
    role: String(row.role),
    messagesSent: Number(row.messages),
    lastActiveAt: row.last_active === null ? null : Number(row.last_active),
  }));
  const roles = (
    stmt(
      `WITH known AS (${known}) SELECT min(u.role) AS role FROM known k
       JOIN users u ON u.platform_id = ? AND u.id = k.user_id
       WHERE u.role <> '' GROUP BY unicode_lower(u.role) ORDER BY unicode_lower(u.role)`,
    ).all(
      scope.platform,
      ...(scope.app === null ? [scope.platform] : appParams),
      scope.platform,
    ) as Row[]
  ).map((row) => String(row.role));
  return { total, rows, roles };
}
