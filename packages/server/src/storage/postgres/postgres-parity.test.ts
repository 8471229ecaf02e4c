// The same fact batches written to SQLite and PostgreSQL read back the same analytics, field for field.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { facts, SCOPES, T0, tableQueries, windows } from "../../testing/parity-history.js";
import { openSqliteStorage } from "../sqlite/sqlite-storage.js";
import { SLOT_MS, type Storage } from "../storage.js";
import { openPostgresStorage } from "./postgres-storage.js";
import {
  IS_POSTGRES_REQUIRED,
  isPostgresReachable,
  TestDatabases,
  testServerName,
} from "./postgres-test-database.js";

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
