// Random histories and questions for the activity index's tests: the same answers as the SQL the
// index replaced, asked of any storage on a SQLite file.
import Database from "better-sqlite3";
import { expect } from "vitest";
import {
  countActiveUsers,
  defineTextFunctions,
  userTable,
} from "../storage/sqlite/sqlite-analytics.js";
import {
  type AppScope,
  emptyFactBatch,
  type FactBatch,
  SLOT_MS,
  type SlotWindow,
  type Storage,
  type UserTableQuery,
} from "../storage/storage.js";

const DAY_SLOTS = 96;
const BASE_SLOT = 20_000 * DAY_SLOTS + 7; // not on a day boundary
const APPS = ["math", "essay", null];
const NAMES = [
  "Ana",
  "ana",
  "Ben",
  "Émile",
  "zoë",
  "😀 Smile",
  "\uE000 private",
  "Cy",
  "dee",
  "Lena Straße",
  "ΟΔΥΣΣΕΥΣ",
];

/** A batch of random users, activity and events (some retried) on platform p1. */
export function randomBatch(random: () => number, users: number, size: number, seq: { n: number }) {
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)] as T;
  const batch: FactBatch = emptyFactBatch();
  const user = () => `u${Math.floor(random() * users)}`;
  for (let i = 0; i < size; i++) {
    const at =
      (BASE_SLOT + Math.floor(random() * 10 * DAY_SLOTS)) * SLOT_MS +
      Math.floor(random() * SLOT_MS);
    const r = random();
    if (r < 0.15) {
      const id = user();
      // Users 0–9 stay unregistered: active, but not in the table.
      if (id.length > 2 || Number(id.slice(1)) >= 10) {
        batch.users.push({
          platform: "p1",
          id,
          name: pick(NAMES),
          email: `${id}@x.example`,
          role: pick(["Learner", "learner", "Instructor", "Team", ""]),
        });
      }
    } else if (r < 0.3) {
      const startedAt = at;
      batch.activeEnded.push({
        platform: "p1",
        user: user(),
        app: pick(APPS),
        startedAt,
        endedAt: startedAt + Math.floor(random() * 3 * 3_600_000),
      });
    } else {
      seq.n++;
      batch.events.push({
        platform: "p1",
        // Some ids repeat: a retried event changes nothing.
        id: `e${random() < 0.05 ? Math.floor(random() * seq.n) : seq.n}`,
        user: user(),
        name: random() < 0.6 ? "message" : pick(["view", "chat"]),
        app: pick(APPS),
        ts: at,
        props: null,
      });
    }
  }
  return batch;
}

function randomWindows(random: () => number): SlotWindow[] {
  const windows: SlotWindow[] = [];
  for (let i = 0; i < 40; i++) {
    const start = BASE_SLOT - DAY_SLOTS + Math.floor(random() * 12 * DAY_SLOTS);
    const kind = random();
    const length =
      kind < 0.4
        ? 4
        : kind < 0.7
          ? DAY_SLOTS + Math.floor(random() * 9) - 4
          : Math.floor(random() * 900) - 5;
    windows.push({ start, end: start + length });
  }
  // Local days in a row, as active users over time asks: each starts in the UTC day before
  // (+01:00, +05:30) or ends in the day after (−03:00), so most reach one mask word of a day.
  const offset = [4, 22, -12][Math.floor(random() * 3)] as number;
  for (let day = -1; day < 10; day++) {
    const start = BASE_SLOT + day * DAY_SLOTS - offset;
    windows.push({ start, end: start + DAY_SLOTS });
  }
  // Whole UTC days, their first slots and their last (counted from first and last slots).
  for (let i = 0; i < 6; i++) {
    const dayStart = (Math.floor(BASE_SLOT / DAY_SLOTS) + Math.floor(random() * 11)) * DAY_SLOTS;
    const cut = 1 + Math.floor(random() * (DAY_SLOTS - 1));
    windows.push({ start: dayStart, end: dayStart + DAY_SLOTS });
    windows.push({ start: dayStart, end: dayStart + cut });
    windows.push({ start: dayStart + cut, end: dayStart + DAY_SLOTS });
  }
  return windows;
}

function randomTableQuery(random: () => number): UserTableQuery {
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)] as T;
  const start = BASE_SLOT + Math.floor(random() * 8 * DAY_SLOTS) - DAY_SLOTS;
  const limit = pick([null, 5, 50]);
  return {
    scope: { platform: "p1", app: pick(["math", "essay", "", null]) },
    messages: { start, end: start + Math.floor(random() * 6 * DAY_SLOTS) },
    messageNames: pick([["message"], ["message", "chat"]]),
    members: pick(["active", "all"] as const),
    q: pick([null, null, "AN", "é", "ÉMI", "x.example", "u1", "strasse", "ΟΔΥΣ"]),
    inactiveBefore:
      random() < 0.3 ? (BASE_SLOT + Math.floor(random() * 10 * DAY_SLOTS)) * SLOT_MS : null,
    minMessages: pick([0, 0, 1, 3]),
    maxMessages: pick([null, null, 0, 2, 5]),
    role: pick([null, null, "learner", "INSTRUCTOR", "Lear"]),
    sort: pick(["name", "messagesSent", "lastActiveAt"] as const),
    order: pick(["asc", "desc"] as const),
    limit,
    offset: limit === null ? 0 : pick([0, 0, 3, 40]),
  };
}

/** The SQL the index replaced, on its own connection: the reference. */
function reference(file: string) {
  const db = new Database(file, { readonly: true });
  defineTextFunctions(db);
  const statements = new Map<string, Database.Statement>();
  const stmt = (sql: string) => {
    let found = statements.get(sql);
    if (!found) {
      found = db.prepare(sql);
      statements.set(sql, found);
    }
    return found;
  };
  return {
    count: (scope: AppScope, windows: SlotWindow[]) => countActiveUsers(stmt, scope, windows),
    table: (query: UserTableQuery) => userTable(stmt, query),
    close: () => db.close(),
  };
}

/** Random counts and tables asked of `storage` and of the SQL on `file`: the same answers. */
export async function expectSameAnswers(storage: Storage, file: string, random: () => number) {
  const sql = reference(file);
  try {
    for (const app of ["math", "essay", "", null]) {
      const scope = { platform: "p1", app };
      const windows = randomWindows(random);
      expect({ scope, counts: await storage.countActiveUsers(scope, windows) }).toEqual({
        scope,
        counts: sql.count(scope, windows),
      });
    }
    for (let i = 0; i < 25; i++) {
      const query = randomTableQuery(random);
      expect({ query, table: await storage.userTable(query) }).toEqual({
        query,
        table: sql.table(query),
      });
    }
  } finally {
    sql.close();
  }
}
