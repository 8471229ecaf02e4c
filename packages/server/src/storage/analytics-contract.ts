// The analytics rollups every Storage adapter must keep: counts read back exactly as written.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { userTableQuery } from "../testing/user-table-query.js";
import {
  emptyFactBatch,
  type FactBatch,
  SLOT_MS,
  type Storage,
  type UserTableQuery,
} from "./storage.js";

const DAY = 96; // slots
const T0 = Date.UTC(2026, 10, 2, 0, 0, 0); // a Monday, slot-aligned
const S0 = T0 / SLOT_MS;

function batch(parts: Partial<FactBatch>): FactBatch {
  return { ...emptyFactBatch(), ...parts };
}

function event(id: string, user: string, app: string | null, ts: number, name = "message") {
  return { platform: "p1", id, user, name, app, ts, props: null };
}

const roles: Record<string, string> = {
  ana: "Learner",
  ben: "Instructor",
  cy: "learner",
  dee: "Learner",
};
const people = ["ana", "ben", "cy", "dee"].map((id) => ({
  platform: "p1",
  id,
  name: id.toUpperCase(),
  email: `${id}@school.test`,
  role: roles[id] as string,
}));

export function runAnalyticsContract(name: string, makeStorage: () => Promise<Storage>): void {
  describe(`Analytics contract: ${name}`, () => {
    let storage: Storage;

    beforeEach(async () => {
      storage = await makeStorage();
      await storage.migrate();
      await storage.writeFacts(
        batch({
          users: people,
          events: [
            event("e1", "ana", "math", T0 + 60_000),
            event("e2", "ana", "math", T0 + 120_000),
            event("e3", "ben", "math", T0 + DAY * SLOT_MS + 5_000),
            event("e4", "cy", "essay", T0 + 3_600_000),
            event("e5", "ana", "math", T0 + 7_200_000, "page_view"),
          ],
          activeStarted: [
            { platform: "p1", user: "ben", app: "math", startedAt: T0 + 10 * 60_000 },
          ],
          activeEnded: [
            {
              platform: "p1",
              user: "ben",
              app: "math",
              startedAt: T0 + 10 * 60_000,
              endedAt: T0 + 40 * 60_000,
            },
          ],
        }),
      );
    });
    afterEach(async () => {
      await storage.close();
    });

    it("counts distinct active users per window, per app and for the whole platform", async () => {
      const math = { platform: "p1", app: "math" };
      const windows = [
        { start: S0, end: S0 + 1 }, // 00:00-00:15: ana (events), ben (interval from 00:10)
        { start: S0 + 1, end: S0 + 3 }, // 00:15-00:45: ben
        { start: S0 + 3, end: S0 + 4 }, // 00:45-01:00: nobody (ben ended 00:40)
        { start: S0, end: S0 + DAY }, // day one: ana, ben
        { start: S0 + DAY, end: S0 + 2 * DAY }, // day two: ben
      ];
      expect(await storage.countActiveUsers(math, windows)).toEqual([2, 1, 0, 2, 1]);
      expect(
        await storage.countActiveUsers({ platform: "p1", app: null }, [
          { start: S0, end: S0 + DAY },
        ]),
      ).toEqual([3]);
      expect(
        await storage.countActiveUsers({ platform: "p1", app: "essay" }, [
          { start: S0, end: S0 + DAY },
        ]),
      ).toEqual([1]);
    });

    it("does not change any count when a batch of events is retried", async () => {
      await storage.writeFacts(batch({ events: [event("e1", "ana", "math", T0 + 60_000)] }));
      const table = await storage.userTable(tableQuery({}));
      expect(table.rows.find((r) => r.id === "ana")?.messagesSent).toBe(2);
    });

    it("lists every user known to the app with messages in the window and last activity", async () => {
      const table = await storage.userTable(tableQuery({}));
      expect(table.total).toBe(2);
      expect(table.rows).toEqual([
        {
          id: "ana",
          name: "ANA",
          email: "ana@school.test",
          role: "Learner",
          messagesSent: 2,
          lastActiveAt: T0 + 7_200_000,
        },
        {
          id: "ben",
          name: "BEN",
          email: "ben@school.test",
          role: "Instructor",
          messagesSent: 1,
          lastActiveAt: T0 + DAY * SLOT_MS + 5_000,
        },
      ]);
      const firstDay = await storage.userTable(
        tableQuery({ messages: { start: S0, end: S0 + DAY } }),
      );
      expect(firstDay.rows.map((r) => [r.id, r.messagesSent])).toEqual([
        ["ana", 2],
        ["ben", 0],
      ]);
    });

    it("lists every registered user for the whole platform, never-active ones included", async () => {
      const table = await storage.userTable(tableQuery({ scope: { platform: "p1", app: null } }));
      expect(table.rows.map((r) => [r.id, r.messagesSent])).toEqual([
        ["ana", 2],
        ["ben", 1],
        ["cy", 1],
        ["dee", 0],
      ]);
      expect(table.rows.find((r) => r.id === "dee")?.lastActiveAt).toBeNull();
      expect(await storage.countKnownUsers({ platform: "p1", app: null })).toBe(4);
      expect(await storage.countKnownUsers({ platform: "p1", app: "math" })).toBe(2);
    });

    it("filters by text, inactivity and minimum messages; sorts and pages", async () => {
      const all = { scope: { platform: "p1", app: null } };
      expect(
        (await storage.userTable(tableQuery({ ...all, q: "BE" }))).rows.map((r) => r.id),
      ).toEqual(["ben"]);
      expect((await storage.userTable(tableQuery({ ...all, q: "%" }))).total).toBe(0);
      const inactive = await storage.userTable(
        tableQuery({ ...all, inactiveBefore: T0 + DAY * SLOT_MS }),
      );
      expect(inactive.rows.map((r) => r.id)).toEqual(["ana", "cy", "dee"]);
      expect(
        (await storage.userTable(tableQuery({ ...all, minMessages: 2 }))).rows.map((r) => r.id),
      ).toEqual(["ana"]);
      const byMessages = await storage.userTable(
        tableQuery({ ...all, sort: "messagesSent", order: "desc", limit: 2, offset: 0 }),
      );
      expect(byMessages.total).toBe(4);
      expect(byMessages.rows.map((r) => r.id)).toEqual(["ana", "ben"]);
      const byLastActive = await storage.userTable(
        tableQuery({ ...all, sort: "lastActiveAt", order: "desc" }),
      );
      expect(byLastActive.rows.map((r) => r.id)).toEqual(["ben", "ana", "cy", "dee"]);
    });

    it("keeps the users active in the window with members active: as many as the active count", async () => {
      const math = { platform: "p1", app: "math" };
      const all = { platform: "p1", app: null };
      for (const [scope, window, ids] of [
        [math, { start: S0 + DAY, end: S0 + 2 * DAY }, ["ben"]],
        [math, { start: S0 + 1, end: S0 + 3 }, ["ben"]],
        [all, { start: S0, end: S0 + DAY }, ["ana", "ben", "cy"]],
        [all, { start: S0 + 2 * DAY, end: S0 + 3 * DAY }, []],
      ] as const) {
        const table = await storage.userTable(
          tableQuery({ scope, messages: window, members: "active" }),
        );
        expect(table.rows.map((r) => r.id)).toEqual(ids);
        expect([table.total]).toEqual(await storage.countActiveUsers(scope, [window]));
      }
    });

    it("filters by role (whole, any case) and at most N messages, combined with the others", async () => {
      const all = { scope: { platform: "p1", app: null } };
      const ids = async (parts: Partial<UserTableQuery>) =>
        (await storage.userTable(tableQuery({ ...all, ...parts }))).rows.map((r) => r.id);
      expect(await ids({ role: "LEARNER" })).toEqual(["ana", "cy", "dee"]);
      expect(await ids({ role: "learn" })).toEqual([]);
      expect(await ids({ maxMessages: 1 })).toEqual(["ben", "cy", "dee"]);
      expect(await ids({ maxMessages: 0 })).toEqual(["dee"]);
      expect(await ids({ role: "learner", minMessages: 1, maxMessages: 1 })).toEqual(["cy"]);
      expect(
        await ids({ role: "learner", maxMessages: 1, inactiveBefore: T0 + DAY * SLOT_MS, q: "d" }),
      ).toEqual(["dee"]);
      expect(
        await ids({ members: "active", role: "Learner", messages: { start: S0, end: S0 + DAY } }),
      ).toEqual(["ana", "cy"]);
    });

    it("lists the roles of the users known to the scope, whatever the filters", async () => {
      const roles = async (app: string | null, parts: Partial<UserTableQuery> = {}) =>
        (await storage.userTable(tableQuery({ scope: { platform: "p1", app }, ...parts }))).roles;
      expect(await roles(null)).toEqual(["Instructor", "Learner"]);
      expect(await roles(null, { role: "nobody", q: "zzz" })).toEqual(["Instructor", "Learner"]);
      expect(await roles("math")).toEqual(["Instructor", "Learner"]);
      expect(await roles("essay")).toEqual(["learner"]);
    });

    it("finds names in any letter case and with or without accents, non-Latin ones included", async () => {
      await storage.writeFacts(
        batch({
          users: [
            { platform: "p1", id: "emile", name: "Émile Zola", email: "EZ@school.test" },
            { platform: "p1", id: "anna", name: "Анна Ахматова", email: "anna@school.test" },
            { platform: "p1", id: "zoe", name: "ZOË", email: "zoe@school.test" },
          ].map((user) => ({ ...user, role: "Learner" })),
        }),
      );
      const all = { scope: { platform: "p1", app: null } };
      const found = async (q: string) =>
        (await storage.userTable(tableQuery({ ...all, q }))).rows.map((r) => r.id);
      expect(await found("émile")).toEqual(["emile"]);
      expect(await found("ÉMILE")).toEqual(["emile"]);
      expect(await found("анна")).toEqual(["anna"]);
      expect(await found("АХМАТ")).toEqual(["anna"]);
      expect(await found("zoë")).toEqual(["zoe"]);
      expect(await found("emile")).toEqual(["emile"]);
      expect(await found("ZOE")).toEqual(["zoe"]);
      expect(await found("ez@")).toEqual(["emile"]);
      // Sorted by the lower-cased name, code point by code point: Latin before Cyrillic.
      const byName = await storage.userTable(tableQuery({ ...all, sort: "name", order: "asc" }));
      expect(byName.rows.map((r) => r.id)).toEqual([
        "ana",
        "ben",
        "cy",
        "dee",
        "zoe",
        "emile",
        "anna",
      ]);
    });

    it("lists apps with their users and last activity", async () => {
      expect(await storage.listApps("p1")).toEqual([
        { id: "essay", users: 1, lastActivityAt: T0 + 3_600_000 },
        { id: "math", users: 2, lastActivityAt: T0 + DAY * SLOT_MS + 5_000 },
      ]);
    });

    it("erases a user's rollups with the user", async () => {
      await storage.deleteUser("p1", "ana");
      expect(
        await storage.countActiveUsers({ platform: "p1", app: "math" }, [
          { start: S0, end: S0 + DAY },
        ]),
      ).toEqual([1]);
      expect(await storage.countKnownUsers({ platform: "p1", app: "math" })).toBe(1);
    });
  });
}

function tableQuery(parts: Partial<UserTableQuery>): UserTableQuery {
  return userTableQuery(
    { start: S0, end: S0 + 7 * DAY },
    { scope: { platform: "p1", app: "math" }, limit: 100, ...parts },
  );
}
