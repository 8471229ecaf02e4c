// Analytics → Users in a real browser: an instructor enters through /embed, switches ranges, and
// cards, chart, heatmap and table change together and agree with the API; CSV download checked.
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { browserSkipReason, suiteName } from "./support/browser.js";
import { DASHBOARD_VIEWPORT } from "./support/dashboard.js";
import { useEnvironment } from "./support/environment.js";
import { eventually, SETTLE_MS } from "./support/eventually.js";
import { REPO_ROOT } from "./support/rollcall-server.js";
import { signViewerToken } from "./support/tokens.js";

const SCREENSHOTS = join(REPO_ROOT, "e2e/screenshots");
const DAY = 86_400_000;
const TZ = "UTC";

interface Summary {
  currentlyOnline: number;
  active30d: number;
  totalRegistered: number;
  activeInRange: number;
  previous: { start: string; end: string; active30d: number; activeInRange: number };
}

/** Twelve learners of math-mentor over the last 20 days, a few also in essay-coach. */
function backfill(now: number) {
  const events: Array<{ id: string; user: string; name: string; app: string; ts: string }> = [];
  for (let u = 0; u < 12; u++) {
    const daysActive = u < 4 ? [0, 1, 2, 5] : u < 8 ? [6, 12] : [15, 19];
    for (const day of daysActive) {
      for (let m = 0; m <= u % 3; m++) {
        const ts = now - day * DAY - (u + 1) * 600_000 - m * 60_000;
        events.push({
          id: `e-${u}-${day}-${m}`,
          user: `learner-${u}`,
          name: "message",
          app: "math-mentor",
          ts: new Date(ts).toISOString(),
        });
      }
    }
    if (u % 4 === 0) {
      events.push({
        id: `x-${u}`,
        user: `learner-${u}`,
        name: "message",
        app: "essay-coach",
        ts: new Date(now - 3 * DAY).toISOString(),
      });
    }
  }
  return events;
}

async function cardValue(page: Page, id: string): Promise<number> {
  const value = await page.getByTestId(id).getAttribute("data-value", { timeout: 10_000 });
  return Number(value);
}

/** The count of the period before that a card's change line was computed from. */
async function cardBefore(page: Page, id: string): Promise<number> {
  const change = page.getByTestId(id).getByTestId("metric-change");
  return Number(await change.getAttribute("data-before", { timeout: 10_000 }));
}

async function pageState(page: Page) {
  const cells = page.getByTestId("heatmap-cell");
  const totals = await cells.evaluateAll((elements) =>
    elements.reduce((sum, element) => sum + Number(element.getAttribute("data-total") ?? 0), 0),
  );
  return {
    summary: {
      currentlyOnline: await cardValue(page, "card-currently-online"),
      active30d: await cardValue(page, "card-active-30d"),
      totalRegistered: await cardValue(page, "card-total-registered"),
      activeInRange: await cardValue(page, "card-active-in-range"),
    },
    before: {
      active30d: await cardBefore(page, "card-active-30d"),
      activeInRange: await cardBefore(page, "card-active-in-range"),
    },
    points: Number(await page.getByTestId("active-chart").getAttribute("data-points")),
    bucket: await page.getByTestId("active-chart").getAttribute("data-bucket"),
    heatmapCells: await cells.count(),
    heatmapTotal: totals,
    rows: await page.getByTestId("users-row").count(),
  };
}

describe.skipIf(browserSkipReason !== null)(suiteName("analytics page"), () => {
  const env = useEnvironment();

  it("follows the range in every card, the chart, the heatmap and the table, as the API says", async () => {
    const { rollcall, contexts } = env();
    mkdirSync(SCREENSHOTS, { recursive: true });
    const now = Date.now();
    for (let u = 0; u < 12; u++) {
      await fetch(`${rollcall.origin}/api/v1/users/learner-${u}`, {
        method: "PUT",
        headers: { authorization: `Bearer ${rollcall.secret}`, "content-type": "application/json" },
        body: JSON.stringify({
          name: `Learner ${u}`,
          email: `learner${u}@school.example`,
          role: "Learner",
        }),
      });
    }
    const posted = await fetch(`${rollcall.origin}/api/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${rollcall.secret}`, "content-type": "application/json" },
      body: JSON.stringify({ events: backfill(now) }),
    });
    expect(posted.status).toBe(200);

    const instructor = await signViewerToken(rollcall.secret, {
      id: "teacher",
      role: "instructor",
      apps: ["math-mentor"],
    });
    const api = async <T>(path: string): Promise<T> => {
      const response = await fetch(`${rollcall.origin}${path}`, {
        headers: { authorization: `Bearer ${instructor}` },
      });
      expect(response.status, path).toBe(200);
      return (await response.json()) as T;
    };

    const context = await contexts.create({
      viewport: DASHBOARD_VIEWPORT,
      timezoneId: TZ,
      acceptDownloads: true,
    });
    const page = await context.newPage();
    await page.goto(`${rollcall.origin}/embed?token=${encodeURIComponent(instructor)}`);
    // Instructors land on their apps, and see only theirs.
    await page.getByTestId("apps-list").waitFor({ timeout: 10_000 });
    const apps = await page
      .getByTestId("app-link")
      .evaluateAll((links) => links.map((l) => l.getAttribute("data-app")));
    expect(apps).toEqual(["math-mentor"]);
    await page.getByTestId("app-link").first().click();
    await page.getByTestId("heatmap").waitFor({ timeout: 10_000 });

    const seen = new Map<string, Awaited<ReturnType<typeof pageState>>>();
    for (const range of ["7d", "today", "30d"]) {
      // The radios are styled as a segmented control: click the label, as a person would.
      await page.getByTestId("range-picker").locator(`label:has(input[value="${range}"])`).click();
      const summary = await api<Summary>(
        `/api/v1/apps/math-mentor/analytics/users/summary?range=${range}&tz=${TZ}`,
      );
      const over = await api<{ bucket: string; points: unknown[] }>(
        `/api/v1/apps/math-mentor/analytics/users/active-over-time?range=${range}&tz=${TZ}`,
      );
      const heat = await api<{ cells: Array<{ total: number }> }>(
        `/api/v1/apps/math-mentor/analytics/users/heatmap?range=${range}&tz=${TZ}`,
      );
      const table = await api<{ total: number }>(
        `/api/v1/apps/math-mentor/analytics/users/table?range=${range}&tz=${TZ}`,
      );
      const state = await eventually(async () => {
        const current = await pageState(page);
        const { previous, ...counts } = summary;
        expect(current.summary).toEqual(counts);
        expect(current.before).toEqual({
          active30d: previous.active30d,
          activeInRange: previous.activeInRange,
        });
        expect(current.bucket).toBe(over.bucket);
        expect(current.points).toBe(over.points.length);
        expect(current.heatmapCells).toBe(168);
        expect(current.heatmapTotal).toBe(heat.cells.reduce((sum, c) => sum + c.total, 0));
        expect(current.rows).toBe(Math.min(table.total, 50));
        return current;
      }, SETTLE_MS);
      expect(new URL(page.url()).searchParams.get("range")).toBe(range);
      seen.set(range, state);
      await page.screenshot({
        path: join(SCREENSHOTS, `analytics-${range}.png`),
        animations: "disabled",
      });
    }
    // The ranges really differ: the page did not keep showing one of them.
    expect(seen.get("today")!.summary.activeInRange).toBeLessThan(
      seen.get("30d")!.summary.activeInRange,
    );
    expect(seen.get("today")!.bucket).toBe("hour");
    expect(seen.get("30d")!.bucket).toBe("day");

    // The link reopens the same view.
    const shared = page.url();
    const again = await context.newPage();
    await again.goto(shared);
    await again.getByTestId("heatmap").waitFor({ timeout: 10_000 });
    expect(await again.getByTestId("range-picker").getAttribute("data-value")).toBe("30d");

    // CSV: the whole table, one line per known user.
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByTestId("csv-download").click(),
    ]);
    const csv = readFileSync((await download.path())!, "utf8")
      .trim()
      .split(/\r?\n/);
    expect(csv[0]).toBe("id,name,email,role,messages_sent,last_active_at");
    const table = await api<{ total: number }>(
      `/api/v1/apps/math-mentor/analytics/users/table?range=30d&tz=${TZ}`,
    );
    expect(csv).toHaveLength(table.total + 1);
  });

  it("keeps instructors out of other apps, the whole platform and the Connected users page", async () => {
    const { rollcall } = env();
    const instructor = await signViewerToken(rollcall.secret, {
      id: "teacher",
      role: "instructor",
      apps: ["math-mentor"],
    });
    for (const path of [
      "/api/v1/apps/essay-coach/analytics/users/summary",
      "/api/v1/apps/_all/analytics/users/summary",
      "/api/v1/presence",
    ]) {
      const response = await fetch(`${rollcall.origin}${path}`, {
        headers: { authorization: `Bearer ${instructor}` },
      });
      expect(response.status, path).toBe(403);
    }
  });
});
