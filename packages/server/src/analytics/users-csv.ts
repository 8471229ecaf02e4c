// The user table as CSV: a header row, RFC 4180 quoting, times in the viewer's zone, no formula
// injection in spreadsheets; its context (app, range, zone, when) goes in the file name
// (analytics-csv-name.ts).
import type { UserTable } from "@rollcall/protocol";
import { csvCell } from "../csv/csv-cell.js";
import { toZonedIso } from "./zoned-time.js";

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
