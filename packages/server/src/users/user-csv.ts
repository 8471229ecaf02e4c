// Reads a CSV of platform users (id, name, email, role), checking every row and naming what is wrong.
import type { UserProfile } from "../storage/storage.js";

export interface UserCsvResult {
  users: UserProfile[];
  /** At most `maxErrors`, each naming the line and the field. */
  errors: string[];
}

const COLUMNS = ["id", "name", "email", "role"] as const;

/** Splits CSV text into rows of fields (RFC 4180: quotes, doubled quotes, CRLF or LF). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let isQuoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (isQuoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        isQuoted = false;
      } else {
        field += c;
      }
    } else if (c === '"' && field === "") {
      isQuoted = true;
    } else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else {
      field += c;
    }
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ""));
}

/** Parses and checks a users CSV whose header names at least `id`. */
export function readUserCsv(text: string, maxErrors = 20): UserCsvResult {
  const rows = parseCsv(text.replace(/^\uFEFF/, ""));
  const header = (rows[0] ?? []).map((h) => h.trim().toLowerCase());
  const errors: string[] = [];
  const index = Object.fromEntries(COLUMNS.map((c) => [c, header.indexOf(c)])) as Record<
    (typeof COLUMNS)[number],
    number
  >;
  if (index.id < 0)
    return { users: [], errors: ["line 1: header must name an id column (id,name,email,role)"] };
  const users: UserProfile[] = [];
  const seen = new Set<string>();
  for (let r = 1; r < rows.length && errors.length < maxErrors; r++) {
    const row = rows[r]!;
    const line = r + 1;
    const value = (column: (typeof COLUMNS)[number]) =>
      index[column] < 0 ? "" : (row[index[column]] ?? "").trim();
    const id = value("id");
    if (id === "") errors.push(`line ${line}: id: required`);
    else if (id.length > 256) errors.push(`line ${line}: id: longer than 256 characters`);
    else if (seen.has(id)) errors.push(`line ${line}: id: "${id.slice(0, 64)}" appears twice`);
    const name = value("name");
    const email = value("email");
    const role = value("role");
    if (name.length > 256) errors.push(`line ${line}: name: longer than 256 characters`);
    if (email.length > 320) errors.push(`line ${line}: email: longer than 320 characters`);
    if (role.length > 64) errors.push(`line ${line}: role: longer than 64 characters`);
    seen.add(id);
    users.push({ id, name: name || id, email, role });
  }
  return { users: errors.length > 0 ? [] : users, errors };
}
