// When the server fails or goes away: the analytics panels say so and Try again works once it
// answers; the live page says its stream is lost and comes back by itself when the server does.
// On a phone and a desktop; screenshots of each state go to e2e/screenshots/.
import type { Page, Route } from "playwright-core";
import { describe, expect, it } from "vitest";
import { seriousAxeFindings } from "./support/axe.js";
import { seedLearners } from "./support/backend-api.js";
import { browserSkipReason, suiteName } from "./support/browser.js";
import { openDashboard, userRow } from "./support/dashboard.js";
import { useEnvironment } from "./support/environment.js";
import { eventually } from "./support/eventually.js";
import { HOST_APP } from "./support/host-site.js";
import { DESKTOP_VIEWPORT, measurePageWidth, PHONE_VIEWPORT } from "./support/page-layout.js";
import { shoot } from "./support/screenshots.js";

const READY_MS = 15_000;
/** The browser's own reconnect, then ours with backoff: generous, for a busy machine. */
const RECONNECT_MS = 45_000;

/** Two screens at once: a phone in the light, a desktop in the dark (and the other way round). */
const SCREENS = [
  { name: "390-light", viewport: PHONE_VIEWPORT, colorScheme: "light" },
  { name: "1440-dark", viewport: DESKTOP_VIEWPORT, colorScheme: "dark" },
] as const;

describe.skipIf(browserSkipReason !== null)(suiteName("recovering from failures"), () => {
  const env = useEnvironment();

  async function signedIn(screen: (typeof SCREENS)[number], path: string): Promise<Page> {
    const { contexts, rollcall, ownerToken } = env();
    const context = await contexts.create({
      viewport: screen.viewport,
      colorScheme: screen.colorScheme,
      timezoneId: "UTC",
      bypassCSP: true, // for axe's script tag
    });
    const page = await openDashboard(context, rollcall.origin, ownerToken);
    await page.getByTestId("viewer").waitFor({ timeout: READY_MS });
    await page.goto(`${rollcall.origin}${path}`);
    return page;
  }

  async function expectFits(page: Page, what: string) {
    const width = await measurePageWidth(page);
    expect(width.scrollWidth, `${what}: page scrollWidth`).toBeLessThanOrEqual(width.innerWidth);
    expect(width.sticking, `${what}: elements past the right edge`).toEqual([]);
  }

  it("says an analytics request failed, and Try again loads the view once the server answers", async () => {
    const { rollcall } = env();
    await seedLearners(rollcall.origin, rollcall.secret, HOST_APP, 6);

    for (const [index, screen] of SCREENS.entries()) {
      const page = await signedIn(screen, "/analytics");
      await page.getByTestId("apps-list").waitFor({ timeout: READY_MS });
      // The phone loses the network; the desktop's server answers 500. Both until told otherwise.
      let isFailing = true;
      await page.route("**/api/v1/apps/*/analytics/users/**", (route: Route) => {
        if (!isFailing) return route.continue();
        if (index === 0) return route.abort("connectionrefused");
        return route.fulfill({
          status: 500,
          contentType: "application/json",
          body: JSON.stringify({ error: { code: "internal", message: "Internal server error." } }),
        });
      });
      await page.goto(`${rollcall.origin}/analytics/${HOST_APP}?range=30d`);

      // The counts, the chart, the heatmap and the table each say what happened; nothing spins.
      const errors = page.getByTestId("panel-error");
      await eventually(async () => expect(await errors.count()).toBe(4), READY_MS);
      const text = (await errors.first().textContent()) ?? "";
      expect(text).toContain(index === 0 ? "Can't reach Rollcall." : "Couldn't load the counts.");
      expect(await page.locator(".skeleton").count()).toBe(0);
      await expectFits(page, `failed analytics at ${screen.name}`);
      expect(await seriousAxeFindings(page), `axe, failed analytics at ${screen.name}`).toEqual([]);
      await shoot(page, `analytics-failed-${screen.name}`);

      // The server answers again: one Try again brings back every panel.
      isFailing = false;
      await page.getByRole("button", { name: "Try again" }).last().click();
      await page.getByTestId("users-row").first().waitFor({ timeout: READY_MS });
      await eventually(async () => {
        expect(await errors.count()).toBe(0);
        expect(await page.getByTestId("heatmap-cell").count()).toBe(168);
        expect(await page.getByTestId("card-total-registered").getAttribute("data-value")).toBe(
          "6",
        );
      }, READY_MS);
    }
  }, 120_000);

  it("says the live stream is lost while the server is down, and reconnects when it is back", async () => {
    const { rollcall, openUserTab, newUser } = env();
    const before = newUser("Ada Lovelace");
    await openUserTab(before, "/lessons/algebra");
    const pages = await Promise.all([
      ...SCREENS.map((screen) => signedIn(screen, "/")),
      signedIn(SCREENS[1], "/wall"),
    ]);
    for (const page of pages) await userRow(page, before.id).waitFor({ timeout: READY_MS });

    await rollcall.halt();
    try {
      for (const [index, page] of pages.entries()) {
        const name = index < SCREENS.length ? SCREENS[index]!.name : "wall-1440-dark";
        const banner = page.getByTestId("stream-banner");
        await banner.waitFor({ timeout: READY_MS });
        expect(await banner.textContent()).toContain("Live updates interrupted");
        // The table keeps what it had, and the page says it may be out of date.
        expect(await userRow(page, before.id).count()).toBe(1);
        await expectFits(page, `stream lost at ${name}`);
        expect(await seriousAxeFindings(page), `axe, stream lost at ${name}`).toEqual([]);
        await shoot(page, `stream-lost-${name}`);
      }
    } finally {
      await rollcall.resume();
    }

    // Back by itself, no click: the banner goes and changes flow again.
    for (const page of pages) {
      await page.getByTestId("stream-banner").waitFor({ state: "detached", timeout: RECONNECT_MS });
    }
    const after = newUser("Grace Hopper");
    await openUserTab(after, "/lessons/fractions");
    for (const page of pages) {
      await userRow(page, after.id).waitFor({ timeout: READY_MS });
    }
  }, 150_000);
});
