// The headline cards as CSV through the real API and SQLite, in Kathmandu (+05:45): every number
// is the JSON summary's, the change is the cards', the periods and the file name carry the context.
import { countChange, SUMMARY_CARDS, type UsersSummary } from "@rollcall/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  startTestRollcall,
  TEST_SECRET,
  type TestRollcall,
  TestTab,
} from "../testing/test-rollcall.js";
import { SUMMARY_CSV_COLUMNS } from "./summary-csv.js";

const NOW = Date.UTC(2026, 11, 7, 9, 20, 0); // Mon 7 Dec 2026, 09:20 UTC (15:05 in Kathmandu)
const MINUTE = 60_000;
const DAY = 86_400_000;
const TZ = "Asia/Kathmandu";
const OFFSET = (5 * 60 + 45) * MINUTE;

let rollcall: TestRollcall;
let viewer: string;
let tab: TestTab;

function get(path: string, init: { accept?: string; token?: string } = {}): Promise<Response> {
  return fetch(`${rollcall.url}${path}`, {
    headers: {
      authorization: `Bearer ${init.token ?? viewer}`,
      ...(init.accept ? { accept: init.accept } : {}),
    },
  });
}

/** The CSV's rows as objects by column (no value here holds a comma or a quote). */
function readCsv(text: string): Record<string, string>[] {
  expect(text.endsWith("\r\n")).toBe(true);
  const [header, ...lines] = text.slice(0, -2).split("\r\n");
  expect(header?.split(",")).toEqual([...SUMMARY_CSV_COLUMNS]);
  return lines.map((line) => {
    const cells = line.split(",");
    return Object.fromEntries(SUMMARY_CSV_COLUMNS.map((column, i) => [column, cells[i] ?? ""]));
  });
}

/** Local midnight in Kathmandu of `daysAgo` days before today there, as the CSV writes it. */
function kathmanduMidnight(daysAgo: number): string {
  const today = new Date(NOW + OFFSET).toISOString().slice(0, 10);
  const day = new Date(Date.parse(today) - daysAgo * DAY).toISOString().slice(0, 10);
  return `${day}T00:00:00+05:45`;
}

beforeAll(async () => {
  rollcall = await startTestRollcall({}, undefined, () => NOW);
  viewer = await rollcall.viewerToken("admin");
  for (let i = 0; i < 12; i++) {
    const id = `u${String(i).padStart(2, "0")}`;
    await fetch(`${rollcall.url}/api/v1/users/${id}`, {
      method: "PUT",
      headers: { authorization: `Bearer ${TEST_SECRET}`, "content-type": "application/json" },
      body: JSON.stringify({ name: `User ${id}`, email: `${id}@school.test`, role: "Learner" }),
    });
  }
  // User i comes every (i + 1) days for 70 days, a few minutes either side of Kathmandu's midnight.
  const events = [];
  for (let i = 0; i < 10; i++) {
    for (let daysAgo = 1 + (i % 3); daysAgo < 70; daysAgo += i + 1) {
      const ts = NOW - daysAgo * DAY + ((i % 5) - 2) * 7 * MINUTE;
      events.push({ id: `e${i}-${daysAgo}`, user: `u0${i}`, name: "message", app: "math", ts });
    }
  }
  const response = await fetch(`${rollcall.url}/api/v1/events`, {
    method: "POST",
    headers: { authorization: `Bearer ${TEST_SECRET}`, "content-type": "application/json" },
    body: JSON.stringify({
      events: events.map((e) => ({ ...e, ts: new Date(e.ts).toISOString() })),
    }),
  });
  expect(response.status).toBe(200);
  tab = new TestTab(rollcall.url, "tab-summary-csv-1");
  await tab.open(await rollcall.userToken("u11"), { path: "/math", title: "Math", app: "math" });
  await rollcall.writer.flush();
});

afterAll(async () => {
  tab.close();
  await rollcall.stop();
});

describe("GET …/analytics/users/summary?format=csv", () => {
  it.each(["range=7d", "range=today", "range=30d", "range=custom&from=2026-10-20&to=2026-11-18"])(
    "has the JSON summary's counts for %s in Kathmandu, with the change",
    async (params) => {
      const base = `/api/v1/apps/math/analytics/users/summary?${params}&tz=${TZ}`;
      const summary = (await (await get(base)).json()) as UsersSummary;
      const response = await get(`${base}&format=csv`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
      const rows = readCsv(await response.text());
      expect(rows.map((row) => [row.metric, row.card])).toEqual(
        SUMMARY_CARDS.map((card) => [card.metric, card.label]),
      );
      const byMetric = new Map(rows.map((row) => [row.metric, row]));
      const compared = {
        active30d: summary.previous.active30d,
        activeInRange: summary.previous.activeInRange,
      };
      for (const { metric } of SUMMARY_CARDS) {
        const row = byMetric.get(metric)!;
        expect(Number(row.value), metric).toBe(summary[metric]);
        const before = metric in compared ? compared[metric as keyof typeof compared] : null;
        if (before === null) {
          expect([row.previous_value, row.change, row.change_percent], metric).toEqual([
            "",
            "",
            "",
          ]);
          continue;
        }
        const change = countChange(summary[metric], before);
        expect(Number(row.previous_value), metric).toBe(before);
        expect(Number(row.change), metric).toBe(change.delta);
        expect(row.change_percent, metric).toBe(
          change.percent === null ? "" : String(change.percent),
        );
      }
      // Something to compare: the seeded users are active in both periods.
      expect(summary.active30d).toBeGreaterThan(0);
      expect(summary.previous.active30d).toBeGreaterThan(0);
      expect(summary.currentlyOnline).toBe(1);

      const inRange = byMetric.get("activeInRange")!;
      expect([inRange.previous_start, inRange.previous_end]).toEqual([
        summary.previous.start,
        summary.previous.end,
      ]);
      const taken = "2026-12-07T15:05:00+05:45";
      expect(byMetric.get("currentlyOnline")).toMatchObject({
        period_start: taken,
        period_end: taken,
      });
      expect(byMetric.get("totalRegistered")).toMatchObject({
        period_start: "",
        period_end: taken,
      });
      expect(byMetric.get("active30d")).toMatchObject({
        period_start: kathmanduMidnight(29),
        period_end: taken,
        previous_start: kathmanduMidnight(59),
        // The same time 30 days before, through the end of its 15-minute slot.
        previous_end: "2026-11-07T15:15:00+05:45",
      });
      if (params === "range=7d") {
        expect(inRange).toMatchObject({ period_start: kathmanduMidnight(6), period_end: taken });
      }
      for (const row of rows) {
        for (const column of ["period_start", "period_end", "previous_start", "previous_end"]) {
          expect(row[column], column).toMatch(/^$|^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+05:45$/);
        }
      }
    },
  );

  it("names the app, the range's days, the zone and when it was taken in the file name", async () => {
    const response = await get(
      `/api/v1/apps/math/analytics/users/summary?range=7d&tz=${TZ}&format=csv`,
    );
    expect(response.headers.get("content-disposition")).toBe(
      'attachment; filename="rollcall-summary_math_2026-12-01_to_2026-12-07_Asia-Kathmandu_generated-2026-12-07T1505+0545.csv"; ' +
        "filename*=UTF-8''rollcall-summary_math_2026-12-01_to_2026-12-07_Asia-Kathmandu_generated-2026-12-07T1505%2B0545.csv",
    );
    expect(response.headers.get("cache-control")).toBe("no-store");
  });

  it("answers CSV to Accept: text/csv, and JSON when format=json says so", async () => {
    const path = `/api/v1/apps/_all/analytics/users/summary?range=30d&tz=${TZ}`;
    const csv = await get(path, { accept: "text/csv" });
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(readCsv(await csv.text())).toHaveLength(SUMMARY_CARDS.length);
    const json = await get(`${path}&format=json`, { accept: "text/csv" });
    expect(json.headers.get("content-type")).toContain("application/json");
  });

  it("refuses a bad format, a bad zone and another's app with a JSON error", async () => {
    const bad = await get(`/api/v1/apps/math/analytics/users/summary?format=xlsx`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe("invalid_query");
    const zone = await get(`/api/v1/apps/math/analytics/users/summary?format=csv&tz=Mars/Olympus`);
    expect(zone.status).toBe(400);
    const instructor = await rollcall.viewerToken("instructor", ["essay"]);
    const forbidden = await get(`/api/v1/apps/math/analytics/users/summary?format=csv`, {
      token: instructor,
    });
    expect(forbidden.status).toBe(403);
    expect(((await forbidden.json()) as { error: { code: string } }).error.code).toBe("forbidden");
  });
});
