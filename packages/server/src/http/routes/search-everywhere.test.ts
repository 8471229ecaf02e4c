// One search everywhere: the rule's examples asked of GET /presence (memory and Redis presence) and
// of the Users table (SQLite and PostgreSQL), through the HTTP API of real servers.
import { SEARCH_EXAMPLE_USERS, SEARCH_EXAMPLES } from "@rollcall/protocol";
import { afterAll, describe, expect, it } from "vitest";
import {
  IS_POSTGRES_REQUIRED,
  isPostgresReachable,
  TestDatabases,
  testServerName,
} from "../../storage/postgres/postgres-test-database.js";
import {
  deleteRedisKeys,
  redisForTests,
  TEST_REDIS_URL,
  uniqueRedisPrefix,
} from "../../testing/test-redis.js";
import {
  eventually,
  startTestRollcall,
  TEST_SECRET,
  type TestRollcall,
  TestTab,
} from "../../testing/test-rollcall.js";

const redis = await redisForTests();
const hasPostgres = await isPostgresReachable();
if (!hasPostgres && IS_POSTGRES_REQUIRED)
  throw new Error(
    `PostgreSQL at ${testServerName()} is required under CI=true but does not answer`,
  );

const databases = new TestDatabases("search");
const prefix = uniqueRedisPrefix("search");
afterAll(async () => {
  await databases.dropAll();
  if (redis.isReachable) await deleteRedisKeys(prefix);
});

/** The page one example user is on: found by its path and by its title. */
const ON_PAGE = { user: "yuki", path: "/admin/settings", title: "Réglages de l'école" };
const PAGE_EXAMPLES = [
  { q: "/admin", finds: ["yuki"] },
  { q: "/ADMIN/set", finds: ["yuki"] },
  { q: "reglages de l'ecole", finds: ["yuki"] },
  // Never across the title and the path.
  { q: "ecole /admin", finds: [] },
];

async function ask(server: TestRollcall, path: string, token: string): Promise<unknown> {
  const response = await fetch(`${server.url}${path}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (response.status !== 200)
    throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

const sortedIds = (users: Array<{ id: string }>) => users.map((u) => u.id).sort();

const setups = [
  { label: "SQLite and memory presence", isSkipped: false, skip: "", env: async () => ({}) },
  {
    label: "PostgreSQL and Redis presence",
    isSkipped: !hasPostgres || !redis.isReachable,
    skip: !hasPostgres ? `no PostgreSQL server answers at ${testServerName()}` : redis.skipReason,
    env: async () => ({
      ROLLCALL_DATABASE_URL: await databases.create(),
      ROLLCALL_REDIS_URL: TEST_REDIS_URL,
      ROLLCALL_REDIS_PREFIX: prefix,
    }),
  },
];

for (const setup of setups) {
  describe.skipIf(setup.isSkipped)(
    `one search everywhere, on ${setup.label}${setup.isSkipped ? ` (skipped: ${setup.skip})` : ""}`,
    () => {
      let server: TestRollcall;
      let owner: string;
      const tab = { current: null as TestTab | null };

      it("registers the example users, one of them on a page", async () => {
        server = await startTestRollcall(await setup.env());
        owner = await server.viewerToken("owner");
        for (const user of SEARCH_EXAMPLE_USERS) {
          const response = await fetch(`${server.url}/api/v1/users/${user.id}`, {
            method: "PUT",
            headers: { authorization: `Bearer ${TEST_SECRET}`, "content-type": "application/json" },
            body: JSON.stringify({ name: user.name, email: user.email, role: "Learner" }),
          });
          expect([200, 201]).toContain(response.status);
        }
        const yuki = SEARCH_EXAMPLE_USERS.find((u) => u.id === ON_PAGE.user)!;
        tab.current = new TestTab(server.url, "tab-search-1");
        await tab.current.open(
          await server.userToken(yuki.id, { name: yuki.name, email: yuki.email }),
          {
            path: ON_PAGE.path,
            title: ON_PAGE.title,
            app: "kiosk",
          },
        );
        // The analytics index and the presence board have everyone.
        await eventually(async () => {
          const table = (await ask(server, tablePath(""), owner)) as { total: number };
          const presence = (await ask(server, "/api/v1/presence?status=live", owner)) as {
            matched: number;
          };
          return table.total === SEARCH_EXAMPLE_USERS.length && presence.matched === 1
            ? true
            : undefined;
        }, 15_000);
      });

      it("GET /presence?q= finds each example's users, and only them", async () => {
        for (const { q, finds } of SEARCH_EXAMPLES) {
          const page = (await ask(
            server,
            `/api/v1/presence?limit=1000&q=${encodeURIComponent(q)}`,
            owner,
          )) as { users: Array<{ id: string }> };
          expect({ q, finds: sortedIds(page.users) }).toEqual({ q, finds: [...finds].sort() });
        }
      });

      it("GET /presence?format=csv&q= has the rows the JSON has", async () => {
        for (const { q, finds } of [...SEARCH_EXAMPLES, ...PAGE_EXAMPLES]) {
          const csv = await fetch(
            `${server.url}/api/v1/presence?format=csv&sort=name&q=${encodeURIComponent(q)}`,
            { headers: { authorization: `Bearer ${owner}` } },
          ).then((r) => r.text());
          const ids = csv
            .trim()
            .split("\r\n")
            .slice(1)
            .map((line) => line.split(",")[0]!);
          expect({ q, finds: ids.sort() }).toEqual({ q, finds: [...finds].sort() });
        }
      });

      it("GET /presence?q= finds users by their current page's path or title", async () => {
        for (const { q, finds } of PAGE_EXAMPLES) {
          const page = (await ask(
            server,
            `/api/v1/presence?q=${encodeURIComponent(q)}`,
            owner,
          )) as { users: Array<{ id: string }> };
          expect({ q, finds: sortedIds(page.users) }).toEqual({ q, finds });
        }
      });

      it("the Users table (JSON and CSV) finds each example's users, and only them", async () => {
        for (const { q, finds } of SEARCH_EXAMPLES) {
          const table = (await ask(server, tablePath(q), owner)) as {
            users: Array<{ id: string }>;
          };
          expect({ q, finds: sortedIds(table.users) }).toEqual({ q, finds: [...finds].sort() });
          const csv = await fetch(`${server.url}${tablePath(q)}&format=csv`, {
            headers: { authorization: `Bearer ${owner}` },
          }).then((r) => r.text());
          // Data rows: the lines after the column names (comment lines aside).
          const lines = csv
            .trim()
            .split("\r\n")
            .filter((line) => !line.startsWith("#"));
          expect({ q, rows: lines.length - 1 }).toEqual({ q, rows: finds.length });
        }
      });

      it("stops", async () => {
        tab.current?.close();
        await server.stop();
      });
    },
  );
}

/** Every registered user, whatever their activity, in a range and zone that do not matter. */
function tablePath(q: string): string {
  const query = new URLSearchParams({ range: "30d", tz: "UTC", members: "all", limit: "1000" });
  if (q) query.set("q", q);
  return `/api/v1/apps/_all/analytics/users/table?${query}`;
}
