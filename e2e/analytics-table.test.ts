// The user table as an instructor uses it: low-activity learners among everyone known (role, at
// most N messages, inactive 7+ days), kept in the URL over a reload, exported as CSV in +05:45
// whose rows are the API's; the page fits a phone and a desktop, light and dark.
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { browserSkipReason, suiteName } from "./support/browser.js";
import { useEnvironment } from "./support/environment.js";
import { eventually, SETTLE_MS } from "./support/eventually.js";
import { DESKTOP_VIEWPORT, measurePageWidth, PHONE_VIEWPORT } from "./support/page-layout.js";
import { REPO_ROOT } from "./support/rollcall-server.js";
import { signViewerToken } from "./support/tokens.js";

const SCREENSHOTS = join(REPO_ROOT, "e2e/screenshots");
const DAY = 86_400_000;
const TZ = "Asia/Kathmandu";
const APP = "math-mentor";

/** [id, role, days ago of each message]: busy learners, quiet ones, and instructors. */
const PEOPLE: Array<[string, string, number[]]> = [
  ["busy-ana", "Learner", [0, 1, 2, 3, 4]],
  ["busy-ben", "learner", [1, 2, 3]],
  ["quiet-cy", "Learner", [12]],
  ["quiet-dee", "Learner", [9, 10]],
  ["quiet-eve", "learner", [20, 21, 22]], // three messages: more than 2
  ["recent-fay", "Learner", [3]], // few messages, but active 3 days ago
  ["teacher-gus", "Instructor", [15]],
  ["staff-hal", "Team", [11]],
];

interface TableBody {
  total: number;
  users: Array<{
    id: string;
    name: string;
    role: string;
    messagesSent: number;
    lastActiveAt: string | null;
  }>;
}

async function seed(origin: string, secret: string, now: number): Promise<void> {
  const events: Array<{ id: string; user: string; name: string; app: string; ts: string }> = [];
  for (const [id, role, days] of PEOPLE) {
    const put = await fetch(`${origin}/api/v1/users/${id}`, {
      method: "PUT",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
      body: JSON.stringify({ name: id.replace("-", " "), email: `${id}@school.example`, role }),
    });
    expect(put.status).toBeLessThan(300);
    for (const day of days) {
      events.push({
        id: `${id}-${day}`,
        user: id,
        name: "message",
        app: APP,
        ts: new Date(now - day * DAY - 3_600_000).toISOString(),
      });
    }
  }
  const posted = await fetch(`${origin}/api/v1/events`, {
    method: "POST",
    headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
    body: JSON.stringify({ events }),
  });
  expect(posted.status).toBe(200);
}

async function rowIds(page: Page): Promise<string[]> {
  return page
    .getByTestId("users-row")
    .evaluateAll((rows) => rows.map((row) => row.getAttribute("data-user-id") ?? ""));
}

describe.skipIf(browserSkipReason !== null)(suiteName("analytics user table"), () => {
  const env = useEnvironment();

  it("an instructor finds low-activity learners, keeps the filters over a reload and exports them", async () => {
    const { rollcall, contexts } = env();
    const now = Date.now();
    await seed(rollcall.origin, rollcall.secret, now);
    const instructor = await signViewerToken(rollcall.secret, {
      id: "teacher",
      role: "instructor",
      apps: [APP],
    });
    const api = async (params: string): Promise<TableBody> => {
      const response = await fetch(
        `${rollcall.origin}/api/v1/apps/${APP}/analytics/users/table?${params}`,
        { headers: { authorization: `Bearer ${instructor}` } },
      );
      expect(response.status, params).toBe(200);
      return (await response.json()) as TableBody;
    };

    const context = await contexts.create({
      viewport: DESKTOP_VIEWPORT,
      timezoneId: TZ,
      acceptDownloads: true,
    });
    const page = await context.newPage();
    await page.goto(`${rollcall.origin}/embed?token=${encodeURIComponent(instructor)}`);
    await page.getByTestId("app-link").first().click();

    // By default the past 7 days' active users: as many as the "Active in range" card.
    await page.getByTestId("users-table").waitFor({ timeout: SETTLE_MS });
    await eventually(async () => {
      const card = await page.getByTestId("card-active-in-range").getAttribute("data-value");
      expect(await page.getByTestId("users-table").getAttribute("data-total")).toBe(card);
      expect((await rowIds(page)).sort()).toEqual(["busy-ana", "busy-ben", "recent-fay"]);
    }, SETTLE_MS);

    // Past month, everyone known, learners (any case), at most 2 messages, inactive 7+ days.
    await page.getByTestId("range-picker").locator('label:has(input[value="30d"])').click();
    await page.getByTestId("table-members").selectOption("all");
    await eventually(async () => {
      expect(await page.getByTestId("table-role").locator("option").allTextContents()).toEqual([
        "any role",
        "Instructor",
        "Learner",
        "Team",
      ]);
    }, SETTLE_MS);
    await page.getByTestId("table-role").selectOption("Learner");
    await page.getByTestId("table-max-messages").fill("2");
    await page.getByTestId("table-inactive").selectOption("7");
    const expected = ["quiet-cy", "quiet-dee"];
    await eventually(async () => expect(await rowIds(page)).toEqual(expected), SETTLE_MS);
    const search = new URL(page.url()).searchParams;
    expect(Object.fromEntries(search)).toMatchObject({
      range: "30d",
      tz: TZ,
      members: "all",
      role: "Learner",
      maxMessages: "2",
      inactiveDays: "7",
    });

    // Last active: the time in Kathmandu, then how long ago.
    const cyText = await page
      .locator('[data-testid="users-row"][data-user-id="quiet-cy"] .last-active')
      .textContent();
    expect(cyText).toMatch(/^\d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d · 12 d ago$/);

    // A reload (or the link) keeps every filter.
    await page.reload();
    await eventually(async () => expect(await rowIds(page)).toEqual(expected), SETTLE_MS);
    expect(await page.getByTestId("table-members").inputValue()).toBe("all");
    expect(await page.getByTestId("table-role").inputValue()).toBe("Learner");
    expect(await page.getByTestId("table-max-messages").inputValue()).toBe("2");
    expect(await page.getByTestId("table-inactive").inputValue()).toBe("7");

    // The CSV: named with app, dates and zone; the API's rows, times in +05:45.
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByTestId("csv-download").click(),
    ]);
    expect(download.suggestedFilename()).toMatch(
      /^rollcall-users_math-mentor_\d{4}-\d\d-\d\d_to_\d{4}-\d\d-\d\d_Asia-Kathmandu_generated-\d{4}-\d\d-\d\dT\d{4}\+0545\.csv$/,
    );
    const [header, ...lines] = readFileSync((await download.path()) as string, "utf8")
      .split("\r\n")
      .filter((line) => line !== "");
    expect(header).toBe("id,name,email,role,messages_sent,last_active_at");
    const json = await api(
      `range=30d&tz=${encodeURIComponent(TZ)}&members=all&role=Learner&maxMessages=2&inactiveDays=7&limit=1000`,
    );
    expect(json.users.map((u) => u.id)).toEqual(expected);
    expect(lines.map((line) => line.split(","))).toEqual(
      json.users.map((u) => [
        u.id,
        u.name,
        `${u.id}@school.example`,
        u.role,
        String(u.messagesSent),
        expect.stringMatching(/\+05:45$/),
      ]),
    );
    lines.forEach((line, i) => {
      const csvTime = Date.parse(line.split(",")[5] as string);
      const apiTime = Date.parse(json.users[i]?.lastActiveAt as string);
      expect(csvTime).toBe(Math.floor(apiTime / 1000) * 1000);
    });

    mkdirSync(SCREENSHOTS, { recursive: true });
    for (const colorScheme of ["light", "dark"] as const) {
      for (const viewport of [DESKTOP_VIEWPORT, PHONE_VIEWPORT]) {
        const shot = await contexts.create({ viewport, colorScheme, timezoneId: TZ });
        const view = await shot.newPage();
        await view.goto(`${rollcall.origin}/embed?token=${encodeURIComponent(instructor)}`);
        await view.getByTestId("app-link").first().waitFor({ timeout: SETTLE_MS });
        await view.goto(page.url());
        await eventually(async () => expect(await rowIds(view)).toEqual(expected), SETTLE_MS);
        const width = await measurePageWidth(view);
        expect(width.scrollWidth, `${viewport.width} ${colorScheme}`).toBeLessThanOrEqual(
          width.innerWidth,
        );
        await view.getByTestId("users-table").scrollIntoViewIfNeeded();
        await view.screenshot({
          path: join(SCREENSHOTS, `analytics-table-${viewport.width}-${colorScheme}.png`),
          animations: "disabled",
          fullPage: true,
        });
      }
    }
  });
});
