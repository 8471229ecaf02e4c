// The user table as CSV: a header row, RFC 4180 quoting, and no formula injection in spreadsheets.
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

function csvCell(value: string): string {
  // A leading = + - @ would run as a formula in a spreadsheet: prefix it to keep it text.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n']/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
