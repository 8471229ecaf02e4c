// Users analytics through the real API and SQLite, checked against a brute-force reference that
// reads local dates and hours straight from Intl, minute by minute (not from the production code).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  startTestRollcall,
  TEST_SECRET,
  type TestRollcall,
  TestTab,
} from "../testing/test-rollcall.js";

import {
  ACTIVITY,
  activeUsers,
  localKey,
  NOW,
  referenceBuckets,
  referenceHeatmap,
  referencePrevious,
  referenceRange,
  ZONES,
} from "../testing/users-analytics-reference.js";

let rollcall: TestRollcall;
let viewer: string;
let tab: TestTab;

async function get<T>(path: string, token = viewer): Promise<T> {
  const response = await fetch(`${rollcall.url}${path}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (response.status !== 200)
    throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

beforeAll(async () => {
  rollcall = await startTestRollcall({}, undefined, () => NOW);
  viewer = await rollcall.viewerToken("admin");
  for (let i = 0; i < 32; i++) {
    const id = `u${String(i).padStart(2, "0")}`;
    await fetch(`${rollcall.url}/api/v1/users/${id}`, {
      method: "PUT",
      headers: { authorization: `Bearer ${TEST_SECRET}`, "content-type": "application/json" },
      body: JSON.stringify({ name: `User ${id}`, email: `${id}@school.test`, role: "Learner" }),
    });
  }
  const events = ACTIVITY.map((a) => ({
    id: a.id,
    user: a.user,
    name: a.name,
    app: a.app,
    ts: new Date(a.ts).toISOString(),
  }));
  for (let i = 0; i < events.length; i += 400) {
    const response = await fetch(`${rollcall.url}/api/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_SECRET}`, "content-type": "application/json" },
      body: JSON.stringify({ events: events.slice(i, i + 400) }),
    });
    expect(response.status).toBe(200);
  }
  // Someone on a math page right now.
  tab = new TestTab(rollcall.url, "tab-live-00001");
  await tab.open(await rollcall.userToken("u31"), { path: "/math", title: "Math", app: "math" });
  await rollcall.writer.flush();
});

afterAll(async () => {
  tab.close();
  await rollcall.stop();
});

describe.each(ZONES)("Users analytics in %s", (tz) => {
  const cases: Array<[string, string]> = [
    ["math", "range=7d"],
    ["essay", "range=30d"],
    ["_all", "range=today"],
    ["math", "range=custom&from=2026-10-26&to=2026-11-04"],
  ];

  it.each(cases)("summary of %s for %s matches the reference", async (app, params) => {
    const q = new URLSearchParams(params);
    const [from, to] = referenceRange(
      tz,
      q.get("range")!,
      q.get("from") ?? undefined,
      q.get("to") ?? undefined,
    );
    const [from30] = referenceRange(tz, "30d");
    const scope = app === "_all" ? null : app;
    const summary = await get(`/api/v1/apps/${app}/analytics/users/summary?${params}&tz=${tz}`);
    const tracked = scope === null || scope === "math" ? new Set(["u31"]) : new Set<string>();
    const known =
      scope === null
        ? 32
        : new Set([...ACTIVITY.filter((a) => a.app === scope).map((a) => a.user), ...tracked]).size;
    const liveInRange =
      tracked.size > 0 && NOW >= from && NOW < to + 1 ? tracked : new Set<string>();
    const [before, beforeEnd] = referencePrevious(
      tz,
      q.get("range")!,
      q.get("from") ?? undefined,
      q.get("to") ?? undefined,
    );
    const [before30, before30End] = referencePrevious(tz, "30d");
    expect(summary).toEqual({
      currentlyOnline: tracked.size,
      active30d: new Set([...activeUsers(scope, from30, NOW + 1), ...tracked]).size,
      totalRegistered: known,
      activeInRange: new Set([...activeUsers(scope, from, to), ...liveInRange]).size,
      previous: {
        start: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/),
        end: expect.any(String),
        active30d: activeUsers(scope, before30, before30End).size,
        activeInRange: activeUsers(scope, before, beforeEnd).size,
      },
    });
    const previous = (summary as { previous: { start: string; end: string } }).previous;
    expect([Date.parse(previous.start), Date.parse(previous.end)]).toEqual([before, beforeEnd]);
  });

  it.each(cases)("active users over time of %s for %s match the reference", async (app, params) => {
    const q = new URLSearchParams(params);
    const [from, to] = referenceRange(
      tz,
      q.get("range")!,
      q.get("from") ?? undefined,
      q.get("to") ?? undefined,
    );
    const scope = app === "_all" ? null : app;
    type Points = Array<{ start: string; users: number }>;
    const body = await get<{ bucket: string; points: Points; previous: { points: Points } }>(
      `/api/v1/apps/${app}/analytics/users/active-over-time?${params}&tz=${tz}`,
    );
    const size = q.get("range") === "today" ? "hour" : "day";
    expect(body.bucket).toBe(size);
    const live = scope === null || scope === "math" ? ["u31"] : [];
    const expected = referenceBuckets(tz, from, to, size).map((b) => {
      const users = activeUsers(scope, b.start, b.end);
      if (NOW >= b.start && NOW <= b.end) for (const u of live) users.add(u);
      return { start: b.label, users: users.size };
    });
    expect(body.points).toEqual(expected);
    // The period before, bucket by bucket, from the reference's calendar (nobody live there).
    const [before, beforeEnd] = referencePrevious(
      tz,
      q.get("range")!,
      q.get("from") ?? undefined,
      q.get("to") ?? undefined,
    );
    expect(body.previous.points).toEqual(
      referenceBuckets(tz, before, beforeEnd, size).map((b) => ({
        start: b.label,
        users: activeUsers(scope, b.start, b.end).size,
      })),
    );
  });

  it.each(cases)("heatmap of %s for %s matches the reference", async (app, params) => {
    const q = new URLSearchParams(params);
    const [from, to] = referenceRange(
      tz,
      q.get("range")!,
      q.get("from") ?? undefined,
      q.get("to") ?? undefined,
    );
    const scope = app === "_all" ? null : app;
    const body = await get<{ tz: string; cells: unknown[] }>(
      `/api/v1/apps/${app}/analytics/users/heatmap?${params}&tz=${tz}`,
    );
    expect(body.tz).toBe(tz);
    const expected = referenceHeatmap(tz, scope, from, to);
    if ((scope === null || scope === "math") && NOW >= from && NOW < to + 1) {
      // The live user counts in the hour of now.
      const k = localKey(tz, NOW);
      const cell = expected.find((c) => c.weekday === k.weekday && c.hour === k.hour)!;
      const dateHourUsers = new Set(
        ACTIVITY.filter(
          (a) =>
            (scope === null || a.app === scope) &&
            localKey(tz, a.ts).date === k.date &&
            localKey(tz, a.ts).hour === k.hour &&
            a.ts >= from &&
            a.ts < to,
        ).map((a) => a.user),
      );
      if (!dateHourUsers.has("u31")) {
        cell.total += 1;
        cell.average = Math.round((cell.total / cell.occurrences) * 100) / 100;
      }
    }
    expect(body.cells).toEqual(expected);
  });

  it("counts messages per user in the range for the table, every known user listed", async () => {
    const [from, to] = referenceRange(tz, "7d");
    const body = await get<{
      total: number;
      users: Array<{ id: string; messagesSent: number; lastActiveAt: string | null }>;
    }>(`/api/v1/apps/math/analytics/users/table?range=7d&tz=${tz}&limit=1000&members=all`);
    const knownMath = new Set([
      ...ACTIVITY.filter((a) => a.app === "math").map((a) => a.user),
      "u31",
    ]);
    expect(body.total).toBe(knownMath.size);
    for (const row of body.users) {
      const mine = ACTIVITY.filter((a) => a.user === row.id && a.app === "math");
      const messages = mine.filter((a) => a.name === "message" && a.ts >= from && a.ts < to).length;
      expect(row.messagesSent, row.id).toBe(messages);
      if (row.id !== "u31") {
        expect(row.lastActiveAt, row.id).toBe(
          new Date(Math.max(...mine.map((a) => a.ts))).toISOString(),
        );
      }
    }
  });
});

describe("retries and scoping", () => {
  it("a retried batch changes no count", async () => {
    const before = await get(`/api/v1/apps/math/analytics/users/heatmap?range=30d&tz=UTC`);
    const retry = ACTIVITY.slice(0, 300).map((a) => ({
      id: a.id,
      user: a.user,
      name: a.name,
      app: a.app,
      ts: new Date(a.ts).toISOString(),
    }));
    const response = await fetch(`${rollcall.url}/api/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_SECRET}`, "content-type": "application/json" },
      body: JSON.stringify({ events: retry }),
    });
    expect(response.status).toBe(200);
    expect(await get(`/api/v1/apps/math/analytics/users/heatmap?range=30d&tz=UTC`)).toEqual(before);
  });

  it("an instructor sees their apps only, and not the whole platform", async () => {
    const instructor = await rollcall.viewerToken("instructor", ["essay"]);
    const apps = await get<{ apps: Array<{ id: string }> }>("/api/v1/apps", instructor);
    expect(apps.apps.map((a) => a.id)).toEqual(["essay"]);
    for (const app of ["math", "_all"]) {
      const response = await fetch(`${rollcall.url}/api/v1/apps/${app}/analytics/users/summary`, {
        headers: { authorization: `Bearer ${instructor}` },
      });
      expect(response.status).toBe(403);
    }
    await get("/api/v1/apps/essay/analytics/users/summary?range=7d", instructor);
  });

  it("answers a bad range with 400 naming the field", async () => {
    const response = await fetch(
      `${rollcall.url}/api/v1/apps/math/analytics/users/summary?range=custom&from=2026-13-01&to=2026-11-01`,
      { headers: { authorization: `Bearer ${viewer}` } },
    );
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain(
      "from",
    );
    const zone = await fetch(
      `${rollcall.url}/api/v1/apps/math/analytics/users/summary?tz=Mars/Base`,
      {
        headers: { authorization: `Bearer ${viewer}` },
      },
    );
    expect(zone.status).toBe(400);
  });

  it("exports the whole filtered table as CSV", async () => {
    const response = await fetch(
      `${rollcall.url}/api/v1/apps/math/analytics/users/table?range=7d&format=csv&limit=1&members=all`,
      {
        headers: { authorization: `Bearer ${viewer}` },
      },
    );
    expect(response.headers.get("content-type")).toContain("text/csv");
    const lines = (await response.text()).trim().split("\r\n");
    expect(lines[0]).toBe("id,name,email,role,messages_sent,last_active_at");
    const knownMath = new Set([
      ...ACTIVITY.filter((a) => a.app === "math").map((a) => a.user),
      "u31",
    ]);
    expect(lines).toHaveLength(knownMath.size + 1);
  });
});
