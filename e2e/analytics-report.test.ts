// The Users page as a report: the headline counts' CSV holds the API's numbers, and the printed
// page (Chromium's PDF on A4 and Letter, from a desktop and a phone, light and dark) is one page
// naming the app, the range's dates and the zone; the print medium is screenshot to look at.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { browserSkipReason, suiteName } from "./support/browser.js";
import { useEnvironment } from "./support/environment.js";
import { eventually, SETTLE_MS } from "./support/eventually.js";
import { DESKTOP_VIEWPORT, PHONE_VIEWPORT } from "./support/page-layout.js";
import { readPdf } from "./support/pdf.js";
import { REPO_ROOT } from "./support/rollcall-server.js";
import { signViewerToken } from "./support/tokens.js";

const SCREENSHOTS = join(REPO_ROOT, "e2e/screenshots");
const DAY = 86_400_000;
const TZ = "Asia/Kathmandu";
const APP = "physics-lab";
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
/** A4's printable width at 12 mm margins, in CSS pixels: how the paper's layout looks on screen. */
const PAPER_VIEWPORT = { width: 704, height: 1000 };

interface Summary {
  currentlyOnline: number;
  active30d: number;
  totalRegistered: number;
  activeInRange: number;
  previous: { active30d: number; activeInRange: number };
}

/** Ten learners over the last 40 days, each on their own days and hours. */
async function seed(origin: string, secret: string, now: number): Promise<void> {
  const events: Array<{ id: string; user: string; name: string; app: string; ts: string }> = [];
  for (let u = 0; u < 10; u++) {
    const put = await fetch(`${origin}/api/v1/users/learner-${u}`, {
      method: "PUT",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
      body: JSON.stringify({
        name: `Learner ${u}`,
        email: `l${u}@school.example`,
        role: "Learner",
      }),
    });
    expect(put.status).toBeLessThan(300);
    for (let day = u % 4; day < 40; day += 2 + (u % 5)) {
      events.push({
        id: `r-${u}-${day}`,
        user: `learner-${u}`,
        name: "message",
        app: APP,
        ts: new Date(now - day * DAY - (u + 1) * 37 * 60_000).toISOString(),
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

/** "1 Dec" for the local date `daysAgo` days before today in Kathmandu. */
function kathmanduDay(now: number, daysAgo: number): { label: string; year: number } {
  const local = new Date(now + (5 * 60 + 45) * 60_000 - daysAgo * DAY);
  return {
    label: `${local.getUTCDate()} ${MONTHS[local.getUTCMonth()]}`,
    year: local.getUTCFullYear(),
  };
}

/** Opens the app's page for the last 7 days and waits until every panel has its numbers. */
async function openReport(context: BrowserContext, origin: string, token: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${origin}/embed?token=${encodeURIComponent(token)}`);
  await page.waitForURL((url) => url.pathname !== "/embed", { timeout: SETTLE_MS });
  await page.goto(`${origin}/analytics/${APP}?range=7d`);
  await eventually(
    async () => {
      expect(await page.getByTestId("heatmap-cell").count()).toBe(168);
      expect(await page.locator(".bar-chart canvas").count()).toBeGreaterThan(0);
      expect(await page.getByTestId("card-active-in-range").getAttribute("data-value")).not.toBe(
        null,
      );
      expect(
        await page.getByTestId("card-active-in-range").getByTestId("metric-change").count(),
      ).toBe(1);
    },
    SETTLE_MS,
    { what: "the report's panels loaded" },
  );
  return page;
}

describe.skipIf(browserSkipReason !== null)(suiteName("analytics report"), () => {
  const env = useEnvironment();
  beforeAll(async () => {
    const { rollcall } = env();
    await seed(rollcall.origin, rollcall.secret, Date.now());
  });

  it("downloads the headline counts as CSV with the API's numbers and the context in its name", async () => {
    const { rollcall, contexts } = env();
    const owner = await signViewerToken(rollcall.secret, { id: "report-owner", role: "owner" });
    const context = await contexts.create({
      viewport: DESKTOP_VIEWPORT,
      timezoneId: TZ,
      acceptDownloads: true,
    });
    const page = await openReport(context, rollcall.origin, owner);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByTestId("summary-csv").click(),
    ]);
    expect(download.suggestedFilename()).toMatch(
      new RegExp(
        `^rollcall-summary_${APP}_\\d{4}-\\d\\d-\\d\\d_to_\\d{4}-\\d\\d-\\d\\d_Asia-Kathmandu_generated-\\d{4}-\\d\\d-\\d\\dT\\d{4}\\+0545\\.csv$`,
      ),
    );
    const [header, ...rows] = readFileSync((await download.path())!, "utf8")
      .trim()
      .split("\r\n")
      .map((line) => line.split(","));
    expect(header?.slice(0, 6)).toEqual([
      "metric",
      "card",
      "value",
      "previous_value",
      "change",
      "change_percent",
    ]);
    const response = await fetch(
      `${rollcall.origin}/api/v1/apps/${APP}/analytics/users/summary?range=7d&tz=${TZ}`,
      { headers: { authorization: `Bearer ${owner}` } },
    );
    const summary = (await response.json()) as Summary;
    const row = (metric: string) => rows.find((cells) => cells[0] === metric)!;
    expect(Number(row("activeInRange")[2])).toBe(summary.activeInRange);
    expect(Number(row("activeInRange")[3])).toBe(summary.previous.activeInRange);
    expect(Number(row("active30d")[2])).toBe(summary.active30d);
    expect(Number(row("totalRegistered")[2])).toBe(summary.totalRegistered);
    // The card on screen says the same.
    expect(Number(await page.getByTestId("card-active-in-range").getAttribute("data-value"))).toBe(
      summary.activeInRange,
    );
  });

  it("prints one page on A4 and Letter, from a desktop and a phone, light and dark", async () => {
    const { rollcall, contexts } = env();
    const now = Date.now();
    const owner = await signViewerToken(rollcall.secret, { id: "report-owner", role: "owner" });
    mkdirSync(SCREENSHOTS, { recursive: true });
    const first = kathmanduDay(now, 6);
    const last = kathmanduDay(now, 0);

    for (const colorScheme of ["light", "dark"] as const) {
      for (const [device, viewport] of [
        ["desktop", DESKTOP_VIEWPORT],
        ["phone", PHONE_VIEWPORT],
      ] as const) {
        const context = await contexts.create({ viewport, colorScheme, timezoneId: TZ });
        const page = await openReport(context, rollcall.origin, owner);
        const where = `${device} ${colorScheme}`;
        await page.screenshot({
          path: join(SCREENSHOTS, `analytics-report-screen-${device}-${colorScheme}.png`),
          animations: "disabled",
        });
        for (const format of ["A4", "Letter"] as const) {
          const pdf = await page.pdf({ format });
          const content = await readPdf(pdf);
          expect(content.pages, `${where} ${format}`).toBe(1);
          expect(content.pageObjects, `${where} ${format}`).toBe(1);
          const text = content.texts[0] ?? "";
          expect(text, where).toContain(APP);
          expect(text, where).toContain(first.label);
          expect(text, where).toContain(`${last.label} ${last.year}`);
          expect(text, where).toContain(TZ);
          expect(text, where).toMatch(/generated \w{3} \d{1,2} \w{3} \d{4}, \d\d:\d\d/);
          expect(text, where).toContain("Active in range");
          expect(text, where).toContain("Access times");
          // The table, the page's controls and the header stay on screen.
          expect(text, where).not.toContain("User details");
          expect(text, where).not.toContain("Print report");
          expect(text, where).not.toContain("Connected users");
          writeFileSync(
            join(SCREENSHOTS, `analytics-report-${device}-${colorScheme}-${format}.pdf`),
            pdf,
          );
        }
        // The print medium on screen: light whatever the scheme, the chart at the page's width.
        await page.emulateMedia({ media: "print" });
        await eventually(
          async () =>
            expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe("light"),
          SETTLE_MS,
          { what: `${where}: light while printing` },
        );
        const box = await page.locator(".bar-chart canvas").first().boundingBox();
        const area = await page.getByTestId("active-chart").boundingBox();
        expect(box!.width, where).toBeLessThanOrEqual(area!.width);
        await page.screenshot({
          path: join(SCREENSHOTS, `analytics-report-print-${device}-${colorScheme}.png`),
          fullPage: true,
          animations: "disabled",
        });
        if (device === "desktop") {
          await page.setViewportSize(PAPER_VIEWPORT);
          await page.screenshot({
            path: join(SCREENSHOTS, `analytics-report-paper-${colorScheme}.png`),
            fullPage: true,
            animations: "disabled",
          });
        }
        await page.emulateMedia({ media: "screen" });
        await eventually(
          async () =>
            expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(
              colorScheme,
            ),
          SETTLE_MS,
          { what: `${where}: back to the screen's theme` },
        );
        // Last, as headless Chromium keeps a page "being printed" afterwards: the button prints.
        await page.evaluate(() => {
          window.addEventListener("beforeprint", () => {
            document.body.dataset.printAsked = "yes";
          });
        });
        await page.getByRole("button", { name: "Print report" }).click();
        await eventually(
          async () =>
            expect(await page.evaluate(() => document.body.dataset.printAsked)).toBe("yes"),
          SETTLE_MS,
          { what: `${where}: Print report prints` },
        );
        await context.close();
      }
    }
  });
});
