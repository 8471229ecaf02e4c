// The user table as CSV: a header row, RFC 4180 quoting, and no formula injection in spreadsheets.
import { csvCell } from "../http/csv-cell.js";
import type { UserTable } from "./users-analytics.js";

export function usersToCsv(users: UserTable["users"]): string {
  const lines = [["id", "name", "email", "messages_sent", "last_active_at"].join(",")];
  for (const u of users) {
    lines.push(
      [u.id, u.name, u.email, String(u.messagesSent), u.lastActiveAt ?? ""].map(csvCell).join(","),
    );
  }
  return `${lines.join("\r\n")}\r\n`;
}
