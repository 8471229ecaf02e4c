// The user table through the real API and SQLite: who is listed (active in the range, or every
// user known), the filters together, and the CSV against the JSON, checked against the events.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestRollcall, TEST_SECRET, type TestRollcall } from "../testing/test-rollcall.js";

const NOW = Date.UTC(2026, 11, 7, 9, 20, 0); // Mon 7 Dec 2026, 09:20 UTC (15:05 in Kathmandu)
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ROLES = ["Learner", "Learner", "learner", "Instructor", "Team", "Learner"];

interface Event {
  id: string;
  user: string;
  app: string;
  name: string;
  ts: number;
}

/**
 * Users u00–u17 (role by number): u00–u11 busy over 40 days, u12–u15 barely there, u16 and u17
 * never come.
 */
function history(): Event[] {
  let seed = 7;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const out: Event[] = [];
  for (let i = 0; i < 400; i++) {
    const user = `u${String(Math.floor(random() * random() * 12)).padStart(2, "0")}`;
    out.push({
      id: `e${i}`,
      user,
      app: random() < 0.7 ? "math" : "essay",
      name: random() < 0.6 ? "message" : "page_view",
      // Whole minutes up to an hour before now: every event inside the slots a range reads.
      ts: NOW - HOUR - Math.floor(random() * 40 * 24 * 60) * 60_000 - 17_000,
    });
  }
  const few = (user: string, app: string, name: string, daysAgo: number) =>
    out.push({ id: `${user}-${daysAgo}`, user, app, name, ts: NOW - daysAgo * DAY });
  few("u12", "math", "message", 10); // a learner, quiet for 10 days
  few("u13", "math", "message", 20); // a learner, quiet for 20 days, 2 messages
  few("u13", "math", "message", 21);
  few("u13", "essay", "message", 1); // …active elsewhere since
  few("u14", "math", "message", 2); // a learner, but active 2 days ago
  few("u15", "math", "page_view", 9); // an instructor
  return out;
}

const EVENTS = history();
const roleOf = (user: string) => ROLES[Number(user.slice(1)) % ROLES.length] as string;

interface TableBody {
  total: number;
  users: Array<{
    id: string;
    name: string;
    email: string;
    role: string;
    messagesSent: number;
    lastActiveAt: string | null;
  }>;
  roles: string[];
}

let rollcall: TestRollcall;
let viewer: string;

async function fetchOk(path: string): Promise<Response> {
  const response = await fetch(`${rollcall.url}${path}`, {
    headers: { authorization: `Bearer ${viewer}` },
  });
  if (response.status !== 200)
    throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response;
}

const table = async (app: string, params: string) =>
  (await (
    await fetchOk(`/api/v1/apps/${app}/analytics/users/table?limit=1000&${params}`)
  ).json()) as TableBody;

beforeAll(async () => {
  rollcall = await startTestRollcall({}, undefined, () => NOW);
  viewer = await rollcall.viewerToken("admin");
  for (let i = 0; i < 18; i++) {
    const id = `u${String(i).padStart(2, "0")}`;
    await fetch(`${rollcall.url}/api/v1/users/${id}`, {
      method: "PUT",
      headers: { authorization: `Bearer ${TEST_SECRET}`, "content-type": "application/json" },
      body: JSON.stringify({ name: `User ${id}`, email: `${id}@school.test`, role: roleOf(id) }),
    });
  }
  const response = await fetch(`${rollcall.url}/api/v1/events`, {
    method: "POST",
    headers: { authorization: `Bearer ${TEST_SECRET}`, "content-type": "application/json" },
    body: JSON.stringify({
      events: EVENTS.map((e) => ({ ...e, ts: new Date(e.ts).toISOString() })),
    }),
  });
  expect(response.status).toBe(200);
  await rollcall.writer.flush();
});

afterAll(async () => {
  await rollcall.stop();
});

describe("the user table", () => {
  for (const tz of ["UTC", "Asia/Kathmandu"]) {
    for (const app of ["math", "_all"]) {
      it(`lists as many users as "Active in range" by default (${app}, ${tz})`, async () => {
        for (const range of ["today", "7d", "30d", "custom&from=2026-11-20&to=2026-11-22"]) {
          const params = `range=${range}&tz=${tz}`;
          const summary = (await (
            await fetchOk(`/api/v1/apps/${app}/analytics/users/summary?${params}`)
          ).json()) as { activeInRange: number; totalRegistered: number };
          const body = await table(app, params);
          expect(body.total, range).toBe(summary.activeInRange);
          expect(body.users).toHaveLength(summary.activeInRange);
          expect((await table(app, `${params}&members=all`)).total).toBe(summary.totalRegistered);
        }
      });
    }
  }

  it("finds low-activity learners: role, at most N messages and inactive days, all combined", async () => {
    // The last 30 UTC days, today included: messages counted from the first day's midnight.
    const from = Date.UTC(2026, 10, 8);
    const inactiveBefore = NOW - 7 * DAY;
    const math = EVENTS.filter((e) => e.app === "math");
    const known = [...new Set(math.map((e) => e.user))];
    const expected = known
      .filter((user) => {
        const mine = math.filter((e) => e.user === user);
        const messages = mine.filter((e) => e.name === "message" && e.ts >= from).length;
        const last = Math.max(...mine.map((e) => e.ts));
        return roleOf(user).toLowerCase() === "learner" && messages <= 2 && last < inactiveBefore;
      })
      .sort();
    expect(expected.length).toBeGreaterThan(0);
    const body = await table(
      "math",
      "range=30d&members=all&role=LEARNER&maxMessages=2&inactiveDays=7&sort=name",
    );
    expect(body.users.map((u) => u.id)).toEqual(expected);
    expect(body.users.every((u) => u.role.toLowerCase() === "learner")).toBe(true);
    const roles = new Set(known.map((user) => roleOf(user).replace("learner", "Learner")));
    expect(body.roles).toEqual(["Instructor", "Learner", "Team"].filter((r) => roles.has(r)));
    // With the text search too: one of them by name.
    const one = expected[0] as string;
    expect((await table("math", `range=30d&members=all&role=learner&q=${one}`)).users).toEqual(
      (await table("math", "range=30d&members=all&role=learner")).users.filter((u) =>
        u.id.includes(one),
      ),
    );
  });

  it("refuses at most fewer messages than at least", async () => {
    const response = await fetch(
      `${rollcall.url}/api/v1/apps/math/analytics/users/table?minMessages=3&maxMessages=2`,
      { headers: { authorization: `Bearer ${viewer}` } },
    );
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("maxMessages");
  });

  it("exports the JSON's rows as CSV, times in the zone with its offset (+05:45), context in the file name", async () => {
    const params = "range=30d&tz=Asia/Kathmandu&members=all&sort=lastActiveAt&order=desc";
    const json = await table("math", params);
    const response = await fetchOk(`/api/v1/apps/math/analytics/users/table?${params}&format=csv`);
    expect(response.headers.get("content-disposition")).toBe(
      'attachment; filename="rollcall-users_math_2026-11-08_to_2026-12-07_Asia-Kathmandu_generated-2026-12-07T1505+0545.csv"; ' +
        "filename*=UTF-8''rollcall-users_math_2026-11-08_to_2026-12-07_Asia-Kathmandu_generated-2026-12-07T1505%2B0545.csv",
    );
    const [header, ...lines] = (await response.text()).split("\r\n").filter((l) => l !== "");
    expect(header).toBe("id,name,email,role,messages_sent,last_active_at");
    expect(lines).toHaveLength(json.total);
    lines.forEach((line, i) => {
      const [id, name, email, role, messages, lastActive] = line.split(",");
      const row = json.users[i];
      expect({ id, name, email, role, messages: Number(messages) }).toEqual({
        id: row?.id,
        name: row?.name,
        email: row?.email,
        role: row?.role,
        messages: row?.messagesSent,
      });
      if (row?.lastActiveAt === null) {
        expect(lastActive).toBe("");
        return;
      }
      expect(lastActive).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+05:45$/);
      const instant = Date.parse(row?.lastActiveAt as string);
      expect(Date.parse(lastActive as string)).toBe(Math.floor(instant / 1000) * 1000);
      // The wall clock in Kathmandu: UTC + 5 h 45 min.
      const wall = new Date(Math.floor(instant / 1000) * 1000 + (5 * 60 + 45) * 60_000);
      expect(lastActive?.slice(0, 19)).toBe(wall.toISOString().slice(0, 19));
    });
  });
});
