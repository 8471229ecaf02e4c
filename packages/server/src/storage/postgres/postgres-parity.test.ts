// The same fact batches written to SQLite and PostgreSQL read back the same analytics, field for field.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seededRandom } from "../../testing/seeded-random.js";
import { openSqliteStorage } from "../sqlite/sqlite-storage.js";
import {
  type AppScope,
  type EventRecord,
  emptyFactBatch,
  type FactBatch,
  SLOT_MS,
  type SlotWindow,
  type Storage,
  type UserTableQuery,
} from "../storage.js";
import { factStatements } from "./postgres-facts.js";
import { LISTENER_NAME } from "./postgres-index-listener.js";
import { openPostgresStorage } from "./postgres-storage.js";
import {
  IS_POSTGRES_REQUIRED,
  isPostgresReachable,
  TestDatabases,
  testServerName,
} from "./postgres-test-database.js";

const DAY = 96; // slots
const T0 = Date.UTC(2026, 10, 2, 0, 0, 0); // a Monday, slot-aligned
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

function facts(): FactBatch[] {
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

function windows(): SlotWindow[] {
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

const SCOPES: AppScope[] = [
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

function tableQueries(): UserTableQuery[] {
  const queries: UserTableQuery[] = [];
  const sorts = ["name", "messagesSent", "lastActiveAt"] as const;
  const orders = ["asc", "desc"] as const;
  const query = (
    scope: AppScope,
    sort: UserTableQuery["sort"],
    order: UserTableQuery["order"],
    filter: Partial<UserTableQuery>,
  ): UserTableQuery => ({
    scope,
    messages: { start: S0, end: S0 + DAYS * DAY },
    messageNames: ["message"],
    members: "all",
    q: null,
    inactiveBefore: null,
    minMessages: 0,
    maxMessages: null,
    role: null,
    sort,
    order,
    limit: 100,
    offset: 0,
    ...filter,
  });
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

const isSkipped = !IS_POSTGRES_REQUIRED && !(await isPostgresReachable());
const databases = new TestDatabases("parity");

describe.skipIf(isSkipped)(
  isSkipped
    ? `PostgreSQL and SQLite parity (skipped: no PostgreSQL server answers at ${testServerName()}; set ROLLCALL_TEST_DATABASE_URL, and CI=true makes it required)`
    : "PostgreSQL and SQLite parity",
  () => {
    let dir: string;
    let sqlite: Storage;
    let postgres: Storage;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), "rollcall-parity-"));
      sqlite = openSqliteStorage(join(dir, "parity.sqlite"));
      postgres = openPostgresStorage(await databases.create());
      for (const storage of [sqlite, postgres]) {
        await storage.migrate();
        for (const batch of facts()) await storage.writeFacts(batch);
        await storage.closeDanglingIntervals([
          { platform: "p1", user: "ben", at: T0 + 650 },
          { platform: "p1", user: "ben", at: T0 + 9_000 },
          { platform: "p1", user: "lee", at: T0 + 6 * SLOT_MS },
        ]);
      }
    });
    afterAll(async () => {
      await sqlite?.close();
      await postgres?.close();
      await databases.dropAll();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("counts the same active users in every window and scope", async () => {
      const all = windows();
      for (const scope of SCOPES) {
        const expected = await sqlite.countActiveUsers(scope, all);
        expect(expected.some((n) => n > 0) || scope.app === "nope" || scope.platform === "p2").toBe(
          true,
        );
        expect(await postgres.countActiveUsers(scope, all)).toEqual(expected);
      }
    });

    it("lists the same user tables for every sort, order, filter and page", async () => {
      for (const query of tableQueries()) {
        const expected = await sqlite.userTable(query);
        expect({ query, table: await postgres.userTable(query) }).toEqual({
          query,
          table: expected,
        });
      }
    });

    it("keeps the same users, sessions and visits", async () => {
      const users = async (storage: Storage) =>
        (await storage.listUsers())
          .map(({ createdAt: _, ...user }) => user)
          .sort((a, b) => `${a.platform}/${a.id}`.localeCompare(`${b.platform}/${b.id}`));
      const bySession = (a: { user: string }, b: { user: string }) => a.user.localeCompare(b.user);
      expect(await users(postgres)).toEqual(await users(sqlite));
      expect((await postgres.openSessions()).sort(bySession)).toEqual(
        (await sqlite.openSessions()).sort(bySession),
      );
      expect((await postgres.sessionsEndedSince("p1", T0)).sort(bySession)).toEqual(
        (await sqlite.sessionsEndedSince("p1", T0)).sort(bySession),
      );
      for (const user of ["ana", "ben", "cy", "lee"]) {
        expect(await postgres.userRecentVisits("p1", user, 10)).toEqual(
          await sqlite.userRecentVisits("p1", user, 10),
        );
        expect(await postgres.userSessionsBetween("p1", user, T0, T0 + 1_000)).toEqual(
          await sqlite.userSessionsBetween("p1", user, T0, T0 + 1_000),
        );
      }
    });

    it("lists the same apps, known users and event counts", async () => {
      for (const platform of ["p1", "p2", "nope"]) {
        expect(await postgres.listApps(platform)).toEqual(await sqlite.listApps(platform));
        expect(await postgres.countEvents(platform)).toBe(await sqlite.countEvents(platform));
      }
      for (const scope of SCOPES) {
        expect(await postgres.countKnownUsers(scope)).toBe(await sqlite.countKnownUsers(scope));
      }
    });
  },
);

/** Every analytics answer of `node` equals the reference's (SQLite's), field for field. */
async function expectSameAnalytics(node: Storage, sqlite: Storage): Promise<void> {
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

/** Runs SQL on its own connection. */
async function sql(url: string, text: string, values: unknown[] = []): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text, values);
  } finally {
    await client.end();
  }
}

describe.skipIf(isSkipped)(
  isSkipped
    ? "several PostgreSQL nodes and SQLite (skipped: no PostgreSQL; see above)"
    : "several PostgreSQL nodes and SQLite",
  () => {
    let dir: string;
    let sqlite: Storage;
    let url: string;
    const nodes: Storage[] = [];
    const node = (options: Parameters<typeof openPostgresStorage>[1] = {}, at = url) => {
      const opened = openPostgresStorage(at, options);
      nodes.push(opened);
      return opened;
    };

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), "rollcall-nodes-"));
      sqlite = openSqliteStorage(join(dir, "nodes.sqlite"));
      await sqlite.migrate();
      url = await databases.create();
      await node().migrate();
    });
    afterAll(async () => {
      await sqlite?.close();
      for (const opened of nodes) await opened.close();
      await databases.dropAll();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("answers as SQLite on every node, whichever node wrote, whenever each started", async () => {
      const a = node();
      const b = node();
      // c follows the log from the start; b loads half way; d starts after every write.
      const c = node();
      await c.warmUp(["message"]);
      const batches = facts();
      const half = Math.floor(batches.length / 2);
      for (const [i, batch] of batches.entries()) {
        if (i === half) await b.warmUp(["message"]);
        await sqlite.writeFacts(batch);
        await (i % 2 === 0 ? a : b).writeFacts(batch);
        // A node that dies mid-write: its transaction never commits, and nothing of it is logged.
        if (i % 25 === 0) await diesMidWrite(url, batch);
        // The listening connections drop now and then: the next read catches up anyway.
        if (i % 40 === 0) {
          await sql(
            url,
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
            [LISTENER_NAME],
          );
        }
      }
      await sqlite.deleteUser("p1", "ben");
      await b.deleteUser("p1", "ben");
      const d = node();
      for (const each of [a, b, c, d]) await expectSameAnalytics(each, sqlite);
    });

    it("holds what the rollups hold when nodes write overlapping batches at the same time", async () => {
      // A database of its own: the other tests compare theirs with SQLite's.
      const own = await databases.create();
      const writers = [node({}, own), node({}, own), node({}, own)];
      await writers[0]?.migrate();
      for (const writer of writers) await writer.warmUp(["message"]);
      const batches = facts().filter(
        (batch) => batch.events.length > 0 || batch.activeSeen.length > 0,
      );
      // Every writer writes every batch, each in its own order, all at once: the same rows
      // conflict on every node, and retried ids must count once.
      await Promise.all(
        writers.map(async (writer, w) => {
          const order = w === 1 ? [...batches].reverse() : batches;
          for (const batch of order) await writer.writeFacts(batch);
        }),
      );
      const fresh = node({}, own);
      await fresh.warmUp(["message"]);
      for (const writer of writers) await expectSameAnalytics(writer, fresh);
    });

    it("starts from its saved index or the one shared in the database, only when made from this database", async () => {
      const own = await databases.create();
      const file = join(dir, "postgres.index");
      const first = openPostgresStorage(own, { snapshot: file });
      await first.migrate();
      await first.warmUp(["message"]);
      for (const batch of facts()) await first.writeFacts(batch);
      const scope = { platform: "p1", app: null };
      const expected = await first.countActiveUsers(scope, windows());
      expect(expected.some((n) => n > 0)).toBe(true);
      await first.close(); // saves the index
      // The rollups lose their slots behind Rollcall's back: only a node that starts from the
      // saved index still counts them.
      await sql(own, "DELETE FROM activity_slots");
      const restarted = node({ snapshot: file }, own);
      await restarted.warmUp(["message"]);
      expect(await restarted.countActiveUsers(scope, windows())).toEqual(expected);
      // A node without a file of its own (joining, a fresh disk) starts from the one the first
      // node shared in the database.
      const joining = node({ snapshot: join(dir, "joining", "postgres.index") }, own);
      await joining.warmUp(["message"]);
      expect(await joining.countActiveUsers(scope, windows())).toEqual(expected);
      const inFull = node({}, own);
      expect((await inFull.countActiveUsers(scope, windows())).every((n) => n === 0)).toBe(true);
      // The same file for another database is not used: that node reads its own rollups.
      const other = await databases.create();
      const elsewhere = node({ snapshot: file }, other);
      await elsewhere.migrate();
      expect((await elsewhere.countActiveUsers(scope, windows())).every((n) => n === 0)).toBe(true);
    });

    it("loads again when log entries it had not read are gone", async () => {
      // Reads the log only when asked: no poll in the hour this test takes at most.
      const behind = node({ pollMs: 3_600_000 });
      await behind.warmUp(["message"]);
      const writer = node();
      await sql(
        url,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
        [LISTENER_NAME],
      );
      const extra: FactBatch = {
        ...emptyFactBatch(),
        events: [
          {
            platform: "p1",
            id: "late-1",
            user: "ana",
            name: "message",
            app: "math",
            ts: T0 + 7,
            props: null,
          },
        ],
      };
      await sqlite.writeFacts(extra);
      await writer.writeFacts(extra);
      await sql(url, "DELETE FROM index_log");
      const last: FactBatch = {
        ...emptyFactBatch(),
        events: [{ ...extra.events[0]!, id: "late-2", user: "cy", ts: T0 + 2 * DAY * SLOT_MS }],
      };
      await sqlite.writeFacts(last);
      await writer.writeFacts(last);
      await expectSameAnalytics(behind, sqlite);
    });
  },
  // Several nodes, each loading and following the log: minutes on a busy 2-core machine.
  180_000,
);

/**
 * Writes a batch's statements in a transaction and ends the connection before the commit, as a
 * node that dies mid-write: PostgreSQL rolls it back.
 */
async function diesMidWrite(url: string, batch: FactBatch): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  client.on("error", () => undefined);
  await client.query("BEGIN");
  for (const statement of factStatements(batch, Date.now())) await client.query(statement);
  await client.end();
}
