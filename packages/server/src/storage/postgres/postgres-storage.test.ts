// Runs the Storage and analytics contracts against a real PostgreSQL, one fresh database per test.
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { expectRepairedHistory, historyBeforeRepair } from "../../testing/repaired-history.js";
import { userTableQuery } from "../../testing/user-table-query.js";
import { runAnalyticsContract } from "../analytics-contract.js";
import { emptyFactBatch, SLOT_MS, type Storage } from "../storage.js";
import { runStorageContract } from "../storage-contract.js";
import { postgresMigrations } from "./postgres-migrations.js";
import { openPostgresStorage } from "./postgres-storage.js";
import {
  IS_POSTGRES_REQUIRED,
  isPostgresReachable,
  TestDatabases,
  testServerName,
} from "./postgres-test-database.js";

const isSkipped = !IS_POSTGRES_REQUIRED && !(await isPostgresReachable());
const databases = new TestDatabases("contract");
// One database per contract test: dropping them all takes a while on a busy disk.
afterAll(() => databases.dropAll(), 300_000);

describe.skipIf(isSkipped)(
  isSkipped
    ? `PostgreSQL adapter (skipped: no PostgreSQL server answers at ${testServerName()}; set ROLLCALL_TEST_DATABASE_URL, and CI=true makes it required)`
    : "PostgreSQL adapter",
  () => {
    const makeStorage = async () => openPostgresStorage(await databases.create());
    runStorageContract("PostgreSQL", makeStorage);
    runAnalyticsContract("PostgreSQL", makeStorage);

    it("migration 4 drops events out of bounds and their rollups; reads and erasure agree", async () => {
      const url = await databases.create();
      const storage = openPostgresStorage(url);
      const DAY = 86_400_000;
      const good = Math.floor((Date.now() - 2 * DAY) / SLOT_MS) * SLOT_MS + 60_000;
      try {
        await storage.migrate();
        await storage.writeFacts(historyBeforeRepair(good));
        // As a database written before the bounds: migration 4 not applied yet.
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        await client.query("DELETE FROM schema_migrations WHERE version = 4");
        await client.end();
        expect((await storage.migrate()).applied).toEqual([4]);

        const slot = await expectRepairedHistory(storage, good);
        const everything = { start: 0, end: slot + 96 };
        expect(await storage.countActiveUsers({ platform: "p1", app: null }, [everything])).toEqual(
          [3],
        );
        await storage.deleteUser("p1", "ana");
        expect(await storage.countEvents("p1")).toBe(2);
      } finally {
        await storage.close();
      }
    });

    describe("several nodes sharing one database", () => {
      const T0 = Date.UTC(2026, 10, 2, 0, 0, 0);

      async function nodes(count: number): Promise<Storage[]> {
        const url = await databases.create();
        return Array.from({ length: count }, () => openPostgresStorage(url));
      }

      it("applies each migration once when they all start at the same time", async () => {
        const started = await nodes(4);
        try {
          const results = await Promise.all(started.map((node) => node.migrate()));
          expect(results.map((r) => r.applied).sort()).toEqual([
            [],
            [],
            [],
            postgresMigrations.map((m) => m.version),
          ]);
        } finally {
          await Promise.all(started.map((node) => node.close()));
        }
      });

      it("a share link revoked on one node reads as revoked on another at once", async () => {
        const [first, second] = await nodes(2);
        try {
          await first!.migrate();
          await first!.shareLinks.create({
            id: "link-1",
            platform: "p1",
            app: "math",
            range: "7d",
            from: null,
            to: null,
            tz: "UTC",
            includeTable: false,
            label: null,
            createdBy: { id: "ann", name: "Ann" },
            createdAt: T0,
            expiresAt: T0 + 86_400_000,
            revokedAt: null,
          });
          expect((await second!.shareLinks.get("link-1"))?.revokedAt).toBeNull();
          expect(await second!.shareLinks.revoke("p1", "math", "link-1", T0 + 5)).toBe(true);
          expect((await first!.shareLinks.get("link-1"))?.revokedAt).toBe(T0 + 5);
        } finally {
          await Promise.all([first, second].map((node) => node?.close()));
        }
      });

      it("counts each event once when nodes write the same and overlapping batches at once", async () => {
        const started = await nodes(3);
        try {
          await started[0]!.migrate();
          const users = ["a", "b", "c", "d", "e"];
          const batches = started.map((_, n) => ({
            ...emptyFactBatch(),
            users: users.map((id) => ({ platform: "p1", id, name: id, email: id, role: "R" })),
            events: Array.from({ length: 300 }, (_, i) => ({
              platform: "p1",
              id: `e${(i + n * 100) % 400}`,
              user: users[i % users.length]!,
              name: "message",
              app: i % 2 === 0 ? "math" : null,
              ts: T0 + ((i + n * 100) % 400) * 60_000,
              props: null,
            })).reverse(),
            activeSeen: users.map((user) => ({ platform: "p1", user, app: "math", at: T0 + n })),
          }));
          await Promise.all(
            started.map(async (node, n) => {
              for (let round = 0; round < 3; round++) await node.writeFacts(batches[n]!);
            }),
          );
          const node = started[0]!;
          expect(await node.countEvents("p1")).toBe(400);
          const table = await node.userTable(
            userTableQuery({ start: T0 / SLOT_MS, end: T0 / SLOT_MS + 96 }),
          );
          expect(table.rows.reduce((sum, row) => sum + row.messagesSent, 0)).toBe(400);
          expect((await node.listApps("p1")).map((app) => app.users)).toEqual([5]);
          expect(await node.countKnownUsers({ platform: "p1", app: null })).toBe(5);
        } finally {
          await Promise.all(started.map((node) => node.close()));
        }
      });
    });
  },
);
