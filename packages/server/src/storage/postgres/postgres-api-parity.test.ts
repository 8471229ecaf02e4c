// Random histories posted through the HTTP API into Rollcall on SQLite and on PostgreSQL: every
// Users-analytics view, in every zone and range asked, answers the same, field for field.
import { rmSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { ask, firstDifference } from "../../testing/api-answer.js";
import {
  APPS,
  type ApiHistory,
  apiHistory,
  HISTORY_NOW,
  type Profile,
} from "../../testing/api-history.js";
import {
  eventually,
  startTestRollcall,
  TEST_SECRET,
  type TestRollcall,
  TestTab,
} from "../../testing/test-rollcall.js";
import {
  IS_POSTGRES_REQUIRED,
  isPostgresReachable,
  TestDatabases,
  testServerName,
} from "./postgres-test-database.js";

const SEEDS = [20_260_329, 20_261_025, 5_45];
/** The seed whose servers are then restarted and asked again. */
const RESTARTED_SEED = SEEDS[SEEDS.length - 1];
const ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kathmandu"];
/** Apps with events, one only a tracker tab visits, one never seen; and the whole platform. */
const VIEWED_APPS = ["_all", ...APPS, "kiosk", "nope"];
const RANGES = [
  "range=today",
  "range=7d",
  "range=30d",
  "range=custom&from=2026-03-08&to=2026-03-08", // New York springs forward: 23 hours
  "range=custom&from=2026-03-29&to=2026-03-30", // Berlin springs forward, hour buckets
  "range=custom&from=2026-03-27&to=2026-04-02", // day buckets across it
  "range=custom&from=2026-10-24&to=2026-10-25", // Berlin falls back: 02:00 twice, 25 hours
  "range=custom&from=2026-10-31&to=2026-11-01", // New York falls back
  "range=custom&from=2026-10-20&to=2026-11-10", // days, the last ones in the future
  "range=custom&from=2026-03-01&to=2026-11-04", // week buckets
];
/** The whole history in any zone, for the conditions waited for. */
const EVERYTHING = "range=custom&from=2026-02-27&to=2026-11-05&tz=UTC";

/** Table pages, asked in every sort and order, and filters, each in one (questions()). */
const TABLE_PAGES = ["limit=1000", "limit=5&offset=5"];
const TABLE_MORE_PAGES = ["limit=5", "limit=7&offset=1000", "minMessages=4&limit=3&offset=1"];
const TABLE_FILTERS = [
  "q=%C3%A9", // é
  "q=%C3%89MILE", // ÉMILE
  "q=straße",
  "q=%C4%B0stanbul", // İstanbul
  "q=istanbul",
  "q=%C3%98rsted", // Ørsted
  "q=%CF%83", // σ
  "q=%CE%9F%CE%94%CE%A5%CE%A3%CE%A3%CE%95%CE%A5%CE%A3", // ΟΔΥΣΣΕΥΣ: JavaScript lowers the last Σ to ς
  "q=%CF%82", // ς
  "q=%F0%9F%9A%80", // 🚀
  "q=%E5%B1%B1%E7%94%B0", // 山田
  "q=%25", // %
  "q=_",
  "q=school.example",
  "inactiveDays=0",
  "inactiveDays=3",
  "inactiveDays=40",
  "minMessages=1",
  "q=a&minMessages=1&inactiveDays=10&limit=4&offset=1",
  "members=all",
  "members=all&role=learner",
  "role=INSTRUCTOR&maxMessages=3",
  "members=all&role=Learner&maxMessages=1&inactiveDays=3&q=e",
  "members=all&maxMessages=0&format=csv",
];
const TABLE_WHERE = [
  "range=30d&tz=Europe/Berlin",
  "range=custom&from=2026-10-24&to=2026-11-01&tz=Asia/Kathmandu",
];
const SORTS = ["name", "messagesSent", "lastActiveAt"].flatMap((sort) =>
  ["asc", "desc"].map((order) => `sort=${sort}&order=${order}`),
);

/** Tracker tabs held open on both servers while they are asked: user, tab id, app of the page. */
const TABS: Array<[user: string, tab: string, app: string | null]> = [
  ["jose", "tab-jose-1", "math"],
  ["yamada", "tab-yamada-1", "kiosk"],
  ["istanbul", "tab-istanbul-1", null],
];

/** A JSON answer with a count above zero, or a CSV with a row. */
const COUNTED = /"(users|activeInRange|active30d|total|messagesSent)":[1-9]|\n./;

/** When each tab's message happened: 02:30 the second time in Berlin (its fall-back, 2026). */
const TAB_MESSAGE_AT = Date.UTC(2026, 9, 25, 1, 30);

interface TableRow {
  id: string;
  name: string;
  messagesSent: number;
  lastActiveAt: string | null;
}

interface Difference {
  path: string;
  field: string;
  sqlite: unknown;
  postgres: unknown;
}

const isSkipped = !IS_POSTGRES_REQUIRED && !(await isPostgresReachable());
const databases = new TestDatabases("api_parity");
afterAll(async () => {
  await databases.dropAll();
});

describe.skipIf(isSkipped)(
  isSkipped
    ? `Users analytics through the API on SQLite and PostgreSQL (skipped: no PostgreSQL server answers at ${testServerName()}; set ROLLCALL_TEST_DATABASE_URL, and CI=true makes it required)`
    : "Users analytics through the API on SQLite and PostgreSQL",
  () => {
    for (const seed of SEEDS) {
      const restarted = seed === RESTARTED_SEED ? ", and again after a restart" : "";
      it(`answer every view the same for the history of seed ${seed}${restarted}`, async () => {
        const history = apiHistory(seed);
        // Both servers stand at one moment: what depends on it (today, 7d and 30d, the heatmap's
        // running hour, currentlyOnline) is then the same on both, and no field is left out.
        const clock = () => HISTORY_NOW;
        const servers: TestRollcall[] = [];
        const tabs: TestTab[] = [];
        const databaseUrl = await databases.create();
        const kept: string[] = [];
        try {
          servers.push(await startTestRollcall({}, undefined, clock));
          servers.push(
            await startTestRollcall({ ROLLCALL_DATABASE_URL: databaseUrl }, undefined, clock),
          );
          const [sqlite, postgres] = servers as [TestRollcall, TestRollcall];
          await Promise.all(servers.map((server) => post(server, history)));
          for (const server of servers) {
            for (const [user, tab, app] of TABS) {
              const profile = profileOf(history, user);
              const tracker = new TestTab(server.url, tab);
              tabs.push(tracker);
              const welcome = await tracker.open(await server.userToken(user, profile), {
                path: `/${app ?? "home"}`,
                title: "Ünïcode title",
                app,
              });
              expect(welcome.t).toBe("welcome");
              // A message through the socket, sent twice, dated in Berlin's repeated hour; it
              // carries no app, so it counts in the tab's.
              const id = `${tab}-message`;
              const event = { t: "event", id, name: "message", ts: TAB_MESSAGE_AT };
              tracker.send(event);
              tracker.send(event);
              await eventually(
                () => tracker.inbox.some((m) => m.t === "ack" && m.ids.includes(id)) || undefined,
                30_000,
              );
            }
          }
          for (const server of servers) await settled(server, history, seed);

          const asked = questions(SEEDS.indexOf(seed));
          const differences = await compareViews(sqlite, postgres, asked);
          expect(differences, `seed ${seed}: ${differences.length} answers differ`).toEqual([]);
          if (seed !== RESTARTED_SEED) return;

          // Restarted, each reads its analytics back from its storage; the tabs are gone.
          for (const tab of tabs.splice(0)) tab.close();
          for (const server of servers.splice(0)) {
            await server.stop(false);
            kept.push(server.dataDir);
          }
          servers.push(await startTestRollcall({}, kept[0], clock));
          servers.push(
            await startTestRollcall({ ROLLCALL_DATABASE_URL: databaseUrl }, kept[1], clock),
          );
          kept.length = 0;
          for (const server of servers) await settled(server, history, seed, 0);
          const [sqliteAgain, postgresAgain] = servers as [TestRollcall, TestRollcall];
          // The grid again; the table's sorts and filters do not depend on how activity was read.
          const grid = asked.filter((q) => !q.path.includes("sort="));
          const again = await compareViews(sqliteAgain, postgresAgain, grid);
          expect(again, `seed ${seed}, restarted: ${again.length} answers differ`).toEqual([]);
        } finally {
          for (const tab of tabs) tab.close();
          for (const server of servers) await server.stop();
          for (const dir of kept) rmSync(dir, { recursive: true, force: true });
        }
      }, 120_000);
    }
  },
);

/** Profiles before, events in order (with their repeats), profiles after, then erasures. */
async function post(server: TestRollcall, history: ApiHistory): Promise<void> {
  const backend = { authorization: `Bearer ${TEST_SECRET}`, "content-type": "application/json" };
  const put = async (profile: Profile) => {
    const { id, ...body } = profile;
    const response = await fetch(`${server.url}/api/v1/users/${encodeURIComponent(id)}`, {
      method: "PUT",
      headers: backend,
      body: JSON.stringify(body),
    });
    expect(response.status, await response.text()).toBeLessThan(300);
  };
  await Promise.all(history.profilesBefore.map(put));
  for (const events of history.batches) {
    const response = await fetch(`${server.url}/api/v1/events`, {
      method: "POST",
      headers: backend,
      body: JSON.stringify({ events }),
    });
    expect(response.status, await response.text()).toBe(200);
  }
  await Promise.all(history.profilesAfter.map(put));
  for (const id of history.erased) {
    const response = await fetch(`${server.url}/api/v1/users/${encodeURIComponent(id)}`, {
      method: "DELETE",
      headers: backend,
    });
    expect(response.status, await response.text()).toBe(204);
  }
}

function profileOf(history: ApiHistory, user: string): Omit<Profile, "id"> {
  const profile = [...history.profilesAfter, ...history.profilesBefore].find((p) => p.id === user);
  if (!profile) throw new Error(`no profile for ${user}`);
  return { name: profile.name, email: profile.email, role: profile.role };
}

/**
 * Waits until the server counts what the history holds: each event id once, every user it named
 * but the erased, `online` users online (the open tabs), the tabs' messages and activity written. The same expectations on both servers, so a
 * server still writing is waited for and one that counts wrong fails here, with the numbers.
 */
async function settled(
  server: TestRollcall,
  history: ApiHistory,
  seed: number,
  online = TABS.length,
): Promise<void> {
  const erased = new Set(history.erased);
  const accepted = history.accepted.filter((e) => !erased.has(e.user));
  const users = new Set(accepted.map((e) => e.user));
  for (const [user] of TABS) users.add(user);
  const registered = new Set([
    ...history.profilesBefore.map((p) => p.id),
    ...history.profilesAfter.map((p) => p.id),
    ...users,
  ]);
  for (const id of erased) registered.delete(id);
  const dayStart = HISTORY_NOW - (HISTORY_NOW % 86_400_000);
  const today = new Set(accepted.filter((e) => e.ts >= dayStart).map((e) => e.user));
  for (const [user] of TABS) today.add(user);
  const expected = {
    activeInRange: users.size,
    totalRegistered: registered.size,
    messages: accepted.filter((e) => e.name === "message").length + TABS.length,
    todayActive: today.size,
    currentlyOnline: online,
    lastName: profileOf(history, "strasse").name,
    // Each tab's user was active now in its page's app: the tab's interval is written.
    tabsActiveAt: TABS.map(() => new Date(HISTORY_NOW).toISOString()),
  };
  const token = await server.viewerToken("owner");
  let seen: unknown;
  await eventually(async () => {
    const base = `/api/v1/apps/_all/analytics/users`;
    const [summary, table, todaySummary] = (await Promise.all([
      ask(server, token, `${base}/summary?${EVERYTHING}`),
      ask(server, token, `${base}/table?${EVERYTHING}&limit=1000&members=all`),
      ask(server, token, `${base}/summary?range=today&tz=UTC`),
    ])) as Array<{ body: Record<string, unknown> }>;
    const rows = (table!.body.users ?? []) as TableRow[];
    const tabsActiveAt = await Promise.all(
      TABS.map(async ([user, , app]) => {
        const path = `/api/v1/apps/${app ?? "_all"}/analytics/users/table?range=today&limit=1000&members=all`;
        const { body } = (await ask(server, token, path)) as { body: { users?: TableRow[] } };
        return body.users?.find((row) => row.id === user)?.lastActiveAt;
      }),
    );
    seen = {
      activeInRange: summary!.body.activeInRange,
      totalRegistered: summary!.body.totalRegistered,
      messages: rows.reduce((sum, row) => sum + row.messagesSent, 0),
      todayActive: todaySummary!.body.activeInRange,
      currentlyOnline: todaySummary!.body.currentlyOnline,
      lastName: rows.find((row) => row.id === "strasse")?.name,
      tabsActiveAt,
    };
    return JSON.stringify(seen) === JSON.stringify(expected) ? true : undefined;
  }, 45_000).catch(() => {
    expect(seen, `seed ${seed}: ${server.url} never counted the history`).toEqual(expected);
  });
}

/**
 * The paths asked of both servers for the seed at `turn`. Each seed takes its share of the
 * app × range × zone grid (the seeds together ask all of it); the table of `_all` and of one app
 * in every sort and order, whole and paged, and each other page and filter in one sort and order,
 * in one of two (range, zone)s.
 */
function questions(turn: number): Array<{ path: string; accept?: string }> {
  const paths: Array<{ path: string; accept?: string }> = [{ path: "/api/v1/apps" }];
  VIEWED_APPS.forEach((app, a) => {
    const base = `/api/v1/apps/${encodeURIComponent(app)}/analytics/users`;
    RANGES.forEach((range, r) => {
      ZONES.forEach((tz, z) => {
        if ((a + r + z) % SEEDS.length !== turn) return;
        // Apps only a tab or nothing touched answer alike in most ranges: one range in three.
        if ((app === "nope" || app === "kiosk") && r % SEEDS.length !== turn) return;
        const where = `${range}&tz=${encodeURIComponent(tz)}`;
        paths.push(
          { path: `${base}/summary?${where}` },
          { path: `${base}/active-over-time?${where}` },
          { path: `${base}/heatmap?${where}` },
        );
        // The table follows the range (its messages) and the zone (the range's bounds) only.
        if (z === r % ZONES.length) {
          paths.push(
            { path: `${base}/table?${where}&limit=1000` },
            { path: `${base}/table?${where}&limit=1000&members=all` },
            { path: `${base}/table?${where}&format=csv` },
          );
        }
      });
    });
    paths.push({ path: `${base}/table?range=7d&tz=America/New_York`, accept: "text/csv" });
    if (app !== "_all" && app !== APPS[turn % APPS.length]) return;
    const where = TABLE_WHERE[turn % TABLE_WHERE.length]!;
    for (const sort of SORTS) {
      for (const page of TABLE_PAGES)
        paths.push({ path: `${base}/table?${where}&${sort}&${page}` });
    }
    [...TABLE_MORE_PAGES, ...TABLE_FILTERS].forEach((filter, f) => {
      const sort = SORTS[(f + turn) % SORTS.length]!;
      paths.push({ path: `${base}/table?${where}&${sort}&${filter}` });
    });
  });
  return paths;
}

/** Asks both servers every question, four at a time, and lists where their answers differ. */
async function compareViews(
  sqlite: TestRollcall,
  postgres: TestRollcall,
  asked: Array<{ path: string; accept?: string }>,
): Promise<Difference[]> {
  const [sqliteToken, postgresToken] = await Promise.all([
    sqlite.viewerToken("owner"),
    postgres.viewerToken("owner"),
  ]);
  const differences: Difference[] = [];
  let statusOk = 0;
  let counted = 0;
  const queue = [...asked];
  const work = async () => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      const { path, accept } = next;
      const [a, b] = await Promise.all([
        ask(sqlite, sqliteToken, path, accept),
        ask(postgres, postgresToken, path, accept),
      ]);
      if (a.status === 200) statusOk++;
      if (COUNTED.test(typeof a.body === "string" ? a.body : JSON.stringify(a.body))) counted++;
      const found = firstDifference(a, b, "");
      if (found !== null) {
        differences.push({ path, field: found.field, sqlite: found.first, postgres: found.second });
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, work));
  // The questions must be answered, not refused alike, and most answers count someone.
  expect(statusOk).toBeGreaterThan(asked.length * 0.9);
  expect(counted, `answers counting someone, of ${asked.length}`).toBeGreaterThan(
    asked.length * 0.7,
  );
  return differences;
}
