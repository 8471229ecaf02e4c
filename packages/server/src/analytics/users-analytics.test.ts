// Users analytics through the real API and SQLite, checked against a brute-force reference that
// reads local dates and hours straight from Intl, minute by minute (not from the production code).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  startTestRollcall,
  TEST_SECRET,
  type TestRollcall,
  TestTab,
} from "../testing/test-rollcall.js";

const NOW = Date.UTC(2026, 10, 10, 15, 7, 0); // Tue 10 Nov 2026, 15:07 UTC; New York left DST on 1 Nov.
const MINUTE = 60_000;
const ZONES = ["America/New_York", "Asia/Kathmandu", "UTC"];

interface Activity {
  id: string;
  user: string;
  app: string;
  name: string;
  ts: number;
}

/** A fixed pseudo-random history: 30 users, two apps, three weeks, busier on weekday afternoons. */
function history(): Activity[] {
  let seed = 42;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const out: Activity[] = [];
  const start = Date.UTC(2026, 9, 18, 0, 0, 0);
  for (let i = 0; i < 900; i++) {
    const user = `u${String(Math.floor(random() * random() * 30)).padStart(2, "0")}`;
    const ts = start + Math.floor((random() * (NOW - start)) / MINUTE) * MINUTE;
    out.push({
      id: `e${i}`,
      user,
      app: random() < 0.7 ? "math" : "essay",
      name: random() < 0.8 ? "message" : "page_view",
      ts,
    });
  }
  // Edges: the repeated 01:xx hour of New York's fall-back night, seen twice by one user.
  out.push({
    id: "dst-a",
    user: "u29",
    app: "math",
    name: "message",
    ts: Date.UTC(2026, 10, 1, 5, 30),
  });
  out.push({
    id: "dst-b",
    user: "u29",
    app: "math",
    name: "message",
    ts: Date.UTC(2026, 10, 1, 6, 30),
  });
  out.push({
    id: "dst-c",
    user: "u28",
    app: "math",
    name: "message",
    ts: Date.UTC(2026, 10, 1, 6, 45),
  });
  return out;
}

const ACTIVITY = history();

// ---- the reference: Intl only -------------------------------------------------------------

type LocalKey = { date: string; hour: number; weekday: number; offset: string };
const formatters = new Map<string, Intl.DateTimeFormat>();
const keys = new Map<string, LocalKey>();

function localKey(tz: string, ts: number): LocalKey {
  const cacheKey = `${tz}|${Math.floor(ts / (15 * MINUTE))}`;
  let key = keys.get(cacheKey);
  if (!key) {
    key = readLocalKey(tz, ts);
    keys.set(cacheKey, key);
  }
  return key;
}

function readLocalKey(tz: string, ts: number): LocalKey {
  let format = formatters.get(tz);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      hourCycle: "h23",
      weekday: "short",
      timeZoneName: "longOffset",
    });
    formatters.set(tz, format);
  }
  const parts = Object.fromEntries(
    format.formatToParts(new Date(ts)).map((p) => [p.type, p.value]),
  );
  const weekday = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].indexOf(parts.weekday!) + 1;
  const offset = parts.timeZoneName === "GMT" ? "+00:00" : parts.timeZoneName!.replace("GMT", "");
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    hour: Number(parts.hour),
    weekday,
    offset,
  };
}

/**
 * Every quarter hour of [from, to), the reference's grain of local time: every zone's offset is a
 * whole number of quarter hours, so local date and hour are constant within one.
 */
const QUARTER = 15 * MINUTE;
function quarters(from: number, to: number): number[] {
  const out: number[] = [];
  for (let t = Math.floor(from / QUARTER) * QUARTER; t < to; t += QUARTER) out.push(t);
  return out;
}

/** The first instant of a local date, found by scanning minutes (no offset arithmetic). */
function localMidnight(tz: string, date: string): number {
  const guess = Date.parse(`${date}T00:00:00Z`);
  for (let t = guess - 15 * 3_600_000; t < guess + 15 * 3_600_000; t += 15 * MINUTE) {
    if (localKey(tz, t).date === date) return t;
  }
  throw new Error(`no midnight for ${date}`);
}

function localDateAdd(date: string, days: number): string {
  const d = new Date(Date.parse(`${date}T12:00:00Z`) + days * 86_400_000);
  return d.toISOString().slice(0, 10);
}

function referenceRange(tz: string, range: string, from?: string, to?: string): [number, number] {
  const today = localKey(tz, NOW).date;
  if (range === "today") return [localMidnight(tz, today), NOW];
  if (range === "7d") return [localMidnight(tz, localDateAdd(today, -6)), NOW];
  if (range === "30d") return [localMidnight(tz, localDateAdd(today, -29)), NOW];
  return [localMidnight(tz, from!), localMidnight(tz, localDateAdd(to!, 1))];
}

/**
 * The period a range is compared with, from the reference's own calendar: as many local days just
 * before; a range ending now stops at the same local time of its last day.
 */
function referencePrevious(
  tz: string,
  range: string,
  from?: string,
  to?: string,
): [number, number] {
  const today = localKey(tz, NOW).date;
  const [first, last] =
    range === "custom"
      ? [from!, to!]
      : [localDateAdd(today, range === "today" ? 0 : range === "7d" ? -6 : -29), today];
  const count = Math.round((Date.parse(last) - Date.parse(first)) / 86_400_000) + 1;
  const start = localMidnight(tz, localDateAdd(first, -count));
  const currentStart = localMidnight(tz, first);
  if (range === "custom") return [start, currentStart];
  const intoToday = NOW - localMidnight(tz, today);
  // Through the end of the 15-minute slot holding that time of day.
  const sameTime = localMidnight(tz, localDateAdd(last, -count)) + intoToday;
  return [start, Math.min(currentStart, Math.ceil(sameTime / 900_000) * 900_000)];
}

function activeUsers(app: string | null, from: number, to: number): Set<string> {
  return new Set(
    ACTIVITY.filter((a) => (app === null || a.app === app) && a.ts >= from && a.ts < to).map(
      (a) => a.user,
    ),
  );
}

function referenceHeatmap(tz: string, app: string | null, from: number, to: number) {
  const occurrences = new Map<string, Set<string>>(); // "weekday:hour" → local dates seen
  for (const t of quarters(from, to)) {
    const k = localKey(tz, t);
    const cell = `${k.weekday}:${k.hour}`;
    if (!occurrences.has(cell)) occurrences.set(cell, new Set());
    occurrences.get(cell)!.add(k.date);
  }
  const usersByDateHour = new Map<string, Set<string>>();
  for (const a of ACTIVITY) {
    if ((app !== null && a.app !== app) || a.ts < from || a.ts >= to) continue;
    const k = localKey(tz, a.ts);
    const key = `${k.date}:${k.hour}`;
    if (!usersByDateHour.has(key)) usersByDateHour.set(key, new Set());
    usersByDateHour.get(key)!.add(a.user);
  }
  const cells = [];
  for (let weekday = 1; weekday <= 7; weekday++) {
    for (let hour = 0; hour < 24; hour++) {
      const dates = occurrences.get(`${weekday}:${hour}`) ?? new Set<string>();
      let total = 0;
      for (const date of dates) total += usersByDateHour.get(`${date}:${hour}`)?.size ?? 0;
      const average = dates.size === 0 ? 0 : Math.round((total / dates.size) * 100) / 100;
      cells.push({ weekday, hour, average, total, occurrences: dates.size });
    }
  }
  return cells;
}

/** Hour or day buckets as runs of quarter hours sharing a local hour (or date) and offset. */
function referenceBuckets(tz: string, from: number, to: number, size: "hour" | "day") {
  const buckets: Array<{ id: string; start: number; end: number; label: string }> = [];
  for (const t of quarters(from, to)) {
    const k = localKey(tz, t);
    const id = size === "hour" ? `${k.date}T${k.hour}${k.offset}` : k.date;
    const last = buckets.at(-1);
    if (last && last.id === id) {
      last.end = Math.min(t + QUARTER, to);
      continue;
    }
    const hh = size === "hour" ? String(k.hour).padStart(2, "0") : "00";
    buckets.push({
      id,
      start: t,
      end: Math.min(t + QUARTER, to),
      label: `${k.date}T${hh}:00:00${k.offset}`,
    });
  }
  return buckets;
}

// ---- the system under test ----------------------------------------------------------------

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
