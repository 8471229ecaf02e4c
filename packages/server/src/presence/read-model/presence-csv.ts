// The Connected users table as CSV (GET /presence?format=csv): every row the filters keep.
import type { PresenceUser } from "@rollcall/protocol";
import { toZonedIso } from "../../analytics/zoned-time.js";
import { csvText } from "../../csv/csv-cell.js";

export const PRESENCE_CSV_COLUMNS = [
  "id",
  "name",
  "email",
  "role",
  "status",
  "page_title",
  "page_path",
  "page_app",
  "session_started_at",
  "active_for_seconds",
  "last_seen_at",
  "connections",
] as const;

/** Times as ISO 8601 in `tz` (an IANA zone the caller checked) with that zone's offset. */
export function presenceToCsv(users: readonly PresenceUser[], tz: string): string {
  const time = (iso: string | null) => (iso === null ? "" : toZonedIso(tz, Date.parse(iso)));
  const rows: string[][] = [[...PRESENCE_CSV_COLUMNS]];
  for (const user of users) {
    rows.push([
      user.id,
      user.name,
      user.email,
      user.role,
      user.status,
      user.currentPage?.title ?? "",
      user.currentPage?.path ?? "",
      user.currentPage?.app ?? "",
      time(user.sessionStartedAt),
      user.activeForSeconds === null ? "" : String(user.activeForSeconds),
      time(user.lastSeenAt),
      String(user.connections),
    ]);
  }
  return csvText(rows);
}

/**
 * `connected-users-<platform>-<local time of generation>.csv`, e.g.
 * `connected-users-default-2026-12-07T10-35+0545.csv`: when and in which offset it was taken.
 */
export function presenceCsvFileName(platform: string, tz: string, now: number): string {
  const stamp = toZonedIso(tz, now).slice(0, 16).replace(":", "-");
  const offset = toZonedIso(tz, now).slice(19).replace(":", "");
  return `connected-users-${platform.replace(/[^A-Za-z0-9_-]/g, "_")}-${stamp}${offset}.csv`;
}
