// The user table as CSV: a header row, RFC 4180 quoting, times in the viewer's zone, no formula
// injection in spreadsheets; its context (app, range, zone, when) goes in the file name.

import type { UserTable } from "@rollcall/protocol";
import { csvCell } from "../http/csv-cell.js";
import type { AnalyticsQuery } from "./analytics-query.js";
import { formatLocalDate, toZonedIso } from "./zoned-time.js";

export const USERS_CSV_COLUMNS = [
  "id",
  "name",
  "email",
  "role",
  "messages_sent",
  "last_active_at",
] as const;

/**
 * The header row first, no comment or title line above it: spreadsheets and CSV readers take the
 * first line as the columns (Excel's tables, LibreOffice's header row, pandas, R). Times are ISO
 * 8601 with the offset of `tz` at that instant, to the second.
 */
export function usersToCsv(users: UserTable["users"], tz: string): string {
  const lines = [USERS_CSV_COLUMNS.join(",")];
  for (const u of users) {
    const lastActive = u.lastActiveAt === null ? "" : toZonedIso(tz, Date.parse(u.lastActiveAt));
    lines.push(
      [u.id, u.name, u.email, u.role, String(u.messagesSent), lastActive].map(csvCell).join(","),
    );
  }
  return `${lines.join("\r\n")}\r\n`;
}

/**
 * `rollcall-users_<app>_<first day>_to_<last day>_<zone>_generated-<local time>.csv`, e.g.
 * `rollcall-users_math_2026-11-08_to_2026-12-07_Asia-Kathmandu_generated-2026-12-07T1105+0545.csv`
 * (`all-apps` for `_all`; one date for a one-day range). Anything but letters, digits and
 * `_.+-` becomes `-`, so every file system takes it.
 */
export function usersCsvFileName(app: string, query: AnalyticsQuery): string {
  const days = query.range.days;
  const first = days[0];
  const last = days[days.length - 1];
  const dates =
    first === undefined || last === undefined
      ? ""
      : formatLocalDate(first) === formatLocalDate(last)
        ? `_${formatLocalDate(first)}`
        : `_${formatLocalDate(first)}_to_${formatLocalDate(last)}`;
  const generated = toZonedIso(query.tz, query.now).slice(0, 16).replace(":", "");
  const offset = toZonedIso(query.tz, query.now).slice(19).replace(":", "");
  const name = app === "_all" ? "all-apps" : app;
  return `rollcall-users_${safe(name)}${dates}_${safe(query.tz)}_generated-${generated}${offset}.csv`;
}

/** A Content-Disposition value for `fileName`: ASCII, with the RFC 6266 `filename*` beside it. */
export function attachment(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

function safe(part: string): string {
  return part.replace(/[^\p{L}\p{N}_.+-]+/gu, "-").slice(0, 80);
}
