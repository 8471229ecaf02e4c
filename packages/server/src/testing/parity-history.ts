// The history both PostgreSQL parity suites write to SQLite and PostgreSQL, and the questions they
// ask of it: ten days of random activity of mixed-case, look-alike and LIKE-special users over
// three apps and none, and the windows, scopes and user-table queries that read it back.
import { expect } from "vitest";
import {
  type AppScope,
  type EventRecord,
  emptyFactBatch,
  type FactBatch,
  SLOT_MS,
  type SlotWindow,
  type Storage,
  type UserTableQuery,
} from "../storage/storage.js";
import { seededRandom } from "./seeded-random.js";
import { userTableQuery } from "./user-table-query.js";

export const DAY = 96; // slots
export const T0 = Date.UTC(2026, 10, 2, 0, 0, 0); // a Monday, slot-aligned
const S0 = T0 / SLOT_MS;
const DAYS = 10;
const APPS = ["math", "essay", "lab", null];
const NAMES = ["message", "page_view", "reaction"];

// Mixed case, equal names, LIKE's special characters, ids that sort differently by case.
const PEOPLE: Array<[id: string, name: string]> = [
  ["ana", "ANA"],
  ["ben", "BEN"],
  ["cy", "CY"],
  ["dee", "DEE"],
  ["Zed", "zed"],
  ["amy", "Amy"],
  ["sam", "Sam"],
  ["Sam", "sam"],
  ["u_1", "Under_Score"],
  ["u%2", "100% Sure"],
  ["u\\3", "Back\\Slash"],
  ["kim", "Kim O'Hara"],
  ["lee", "lee"],
  ["max", "Max"],
  ["ned", "Ned"],
  ["ola", "Ola"],
];

export function facts(): FactBatch[] {
  const next = seededRandom(20_261_102);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const users = [
    ...PEOPLE.map(([id, name], i) => ({
      platform: "p1",
      id,
      name,
      email: `${id}@School.test`,
      role: ["Learner", "learner", "Instructor", "Learner ", ""][i % 5] as string,
    })),
    { platform: "p2", id: "ana", name: "Other Ana", email: "ana@p2.test", role: "Learner" },
  ];
  // "ghost" is active and sends events but never registers.
  const actors = [...PEOPLE.map(([id]) => id).filter((id) => id !== "dee"), "ghost"];
  const batches: FactBatch[] = [{ ...emptyFactBatch(), users }];

  let eventId = 0;
  const events: EventRecord[] = [];
  for (let n = 0; n < 400; n++) {
    const platform = next() < 0.9 ? "p1" : "p2";
    events.push({
      platform,
      id: `e${eventId++}`,
      user: platform === "p2" ? "ana" : pick(actors),
      name: pick(NAMES),
      app: pick(APPS),
      ts: T0 + Math.floor(next() * DAYS * DAY * SLOT_MS),
      props: next() < 0.5 ? null : { n, text: 'it\'s "quoted" \\ and \u0000 too' },
    });
  }
  // Slot boundaries exactly, and a retried id with a different body (the first one stays).
  events.push({ ...events[0]!, id: "edge1", ts: T0 + 3 * SLOT_MS });
  events.push({ ...events[1]!, id: "edge2", ts: T0 + 3 * SLOT_MS - 1 });
  events.push({ ...events[2]!, ts: events[2]!.ts + DAY * SLOT_MS, name: "message" });

  const intervals: FactBatch[] = [];
  for (let n = 0; n < 60; n++) {
    const platform = "p1";
    const user = pick(actors);
    const app = pick(APPS);
    const startedAt = T0 + Math.floor(next() * DAYS * DAY * SLOT_MS);
    const endedAt = startedAt + Math.floor(next() * 3 * 3_600_000);
    const start = { ...emptyFactBatch(), activeStarted: [{ platform, user, app, startedAt }] };
    const seen = [{ platform, user, app, at: startedAt + Math.floor((endedAt - startedAt) / 2) }];
    const rest =
      next() < 0.8
        ? { activeSeen: seen, activeEnded: [{ platform, user, app, startedAt, endedAt }] }
        : { activeSeen: seen };
    intervals.push(start, { ...emptyFactBatch(), ...rest });
  }
  // An interval ending exactly on a slot boundary, and an empty one.
  intervals.push({
    ...emptyFactBatch(),
    activeStarted: [{ platform: "p1", user: "lee", app: "lab", startedAt: T0 + 5 * SLOT_MS }],
    activeEnded: [
      {
        platform: "p1",
        user: "lee",
        app: "lab",
        startedAt: T0 + 5 * SLOT_MS,
        endedAt: T0 + 7 * SLOT_MS,
      },
      {
        platform: "p1",
        user: "max",
        app: "lab",
        startedAt: T0 + 9 * SLOT_MS,
        endedAt: T0 + 9 * SLOT_MS,
      },
    ],
  });

  // Events in four batches, interleaved with intervals; the second batch is then retried whole.
  const quarter = Math.ceil(events.length / 4);
  for (let i = 0; i < 4; i++) {
    const part = events.slice(i * quarter, (i + 1) * quarter);
    const active = intervals.slice(i * 31, (i + 1) * 31);
    batches.push({ ...emptyFactBatch(), events: part }, ...active);
  }
  batches.push({ ...emptyFactBatch(), events: events.slice(quarter, 2 * quarter) });
  batches.push(...presence());
  return batches;
}

/** Sessions and visits, with what one batch may hold twice: seen and ended, ended twice. */
function presence(): FactBatch[] {
  const at = (user: string, startedAt: number) => ({ platform: "p1", user, startedAt });
  const page = (path: string, app: string | null) => ({ path, title: path.toUpperCase(), app });
  return [
    {
      ...emptyFactBatch(),
      sessionsStarted: [at("ana", T0), at("ben", T0), at("cy", T0), at("lee", T0), at("ana", T0)],
      sessionsSeen: [{ ...at("ana", T0), at: T0 + 50 }],
      visitsStarted: [
        { ...at("ana", T0), tab: "t1", page: page("/a", "math") },
        { ...at("ana", T0), tab: "t1", page: page("/b", null) },
        { ...at("ben", T0 + 5), tab: "t1", page: page("/c", "lab") },
      ],
    },
    {
      ...emptyFactBatch(),
      sessionsSeen: [
        { ...at("ana", T0), at: T0 + 900 },
        { ...at("ana", T0), at: T0 + 700 },
        { ...at("ben", T0), at: T0 + 800 },
        { ...at("ghost", T0), at: T0 + 999 },
      ],
      sessionsEnded: [
        { ...at("ben", T0), endedAt: T0 + 600 },
        { ...at("cy", T0), endedAt: T0 + 300 },
        { ...at("cy", T0), endedAt: T0 + 400 },
      ],
      visitsEnded: [
        { ...at("ana", T0), tab: "t1", endedAt: T0 + 20 },
        { ...at("ana", T0), tab: "t1", endedAt: T0 + 30 },
      ],
    },
    { ...emptyFactBatch(), sessionsSeen: [{ ...at("ana", T0), at: T0 + 100 }] },
  ];
}

export function windows(): SlotWindow[] {
  const next = seededRandom(7);
  const all: SlotWindow[] = [];
  for (let h = 0; h < DAYS * 24; h++) all.push({ start: S0 + h * 4, end: S0 + (h + 1) * 4 });
  for (let d = -1; d <= DAYS; d++) all.push({ start: S0 + d * DAY, end: S0 + (d + 1) * DAY });
  for (let n = 0; n < 60; n++) {
    const start = S0 + Math.floor(next() * DAYS * DAY);
    all.push({ start, end: start + Math.floor(next() * 3 * DAY) });
  }
  all.push({ start: S0, end: S0 }, { start: S0 + 10, end: S0 }, { start: 0, end: S0 * 2 });
  return all;
}

export const SCOPES: AppScope[] = [
  { platform: "p1", app: null },
  { platform: "p1", app: "math" },
  { platform: "p1", app: "essay" },
  { platform: "p1", app: "lab" },
  { platform: "p1", app: "nope" },
  { platform: "p2", app: null },
  { platform: "p2", app: "math" },
];

const FILTERS: Array<Partial<UserTableQuery>> = [
  {},
  { q: "a", limit: 5, offset: 0 },
  { q: "%", limit: null },
  { q: "_" },
  { q: "\\" },
  { q: "SAM", messageNames: ["message", "reaction"] },
  { q: "school.test", minMessages: 3, limit: 4, offset: 4 },
  { inactiveBefore: T0 + 5 * DAY * SLOT_MS, limit: 3, offset: 1 },
  { messages: { start: S0, end: S0 + DAY }, minMessages: 1 },
  { messageNames: [], limit: 10, offset: 1000 },
];

/** Members, role and at most N messages: each in one sort and order (one rotating with the next). */
const MORE_FILTERS: Array<Partial<UserTableQuery>> = [
  { members: "active" },
  { members: "active", messages: { start: S0 + DAY, end: S0 + 2 * DAY + 5 }, limit: 3 },
  { role: "LEARNER", maxMessages: 4 },
  { members: "active", role: "instructor", q: "a", minMessages: 1, maxMessages: 50 },
  { role: "Learn", inactiveBefore: T0 + 5 * DAY * SLOT_MS },
];

export function tableQueries(): UserTableQuery[] {
  const queries: UserTableQuery[] = [];
  const sorts = ["name", "messagesSent", "lastActiveAt"] as const;
  const orders = ["asc", "desc"] as const;
  const query = (
    scope: AppScope,
    sort: UserTableQuery["sort"],
    order: UserTableQuery["order"],
    filter: Partial<UserTableQuery>,
  ): UserTableQuery =>
    userTableQuery(
      { start: S0, end: S0 + DAYS * DAY },
      { scope, sort, order, limit: 100, ...filter },
    );
  for (const scope of SCOPES) {
    for (const sort of sorts)
      for (const order of orders)
        for (const filter of FILTERS) queries.push(query(scope, sort, order, filter));
    MORE_FILTERS.forEach((filter, f) => {
      queries.push(query(scope, sorts[f % 3] as UserTableQuery["sort"], orders[f % 2]!, filter));
    });
  }
  return queries;
}

/** Every analytics answer of `node` equals the reference's (SQLite's), field for field. */
export async function expectSameAnalytics(node: Storage, sqlite: Storage): Promise<void> {
  const all = windows();
  for (const scope of SCOPES) {
    expect({ scope, counts: await node.countActiveUsers(scope, all) }).toEqual({
      scope,
      counts: await sqlite.countActiveUsers(scope, all),
    });
  }
  for (const query of tableQueries()) {
    expect({ query, table: await node.userTable(query) }).toEqual({
      query,
      table: await sqlite.userTable(query),
    });
  }
}
