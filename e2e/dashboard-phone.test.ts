// Every page at 390×844 and 1440×900, light and dark: nothing wider than the screen, the drawer's
// close button in reach, Escape closes it and gives focus back. Screenshots go to e2e/screenshots/
// (gitignored) for people to look at.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { seedLearners } from "./support/backend-api.js";
import { browserSkipReason, suiteName } from "./support/browser.js";
import { openDashboard } from "./support/dashboard.js";
import { useEnvironment } from "./support/environment.js";
import { eventually } from "./support/eventually.js";
import { HOST_APP } from "./support/host-site.js";
import {
  DESKTOP_VIEWPORT,
  isInViewport,
  measurePageWidth,
  PHONE_VIEWPORT,
} from "./support/page-layout.js";
import { shoot } from "./support/screenshots.js";

const READY_MS = 15_000;

type Scheme = "light" | "dark";

/** Each signed-in page, with what shows it is ready (its data in, not a skeleton). */
const PAGES: ReadonlyArray<{ name: string; path: string; ready: string }> = [
  { name: "connected-users", path: "/", ready: '[data-testid="user-row"]' },
  { name: "wall", path: "/wall", ready: '[data-testid="user-row"]' },
  { name: "apps", path: "/analytics", ready: '[data-testid="apps-list"]' },
  {
    name: "analytics",
    path: `/analytics/${HOST_APP}?range=30d`,
    ready: '[data-testid="users-row"] >> nth=0',
  },
  {
    name: "analytics-custom",
    path: `/analytics/${HOST_APP}?range=custom&from=2025-12-01&to=2026-01-31`,
    ready: '[data-testid="range-words"]',
  },
];

describe.skipIf(browserSkipReason !== null)(suiteName("dashboard on a phone and a desktop"), () => {
  const env = useEnvironment();

  async function signedIn(viewport: { width: number; height: number }, colorScheme: Scheme) {
    const { contexts, rollcall, ownerToken } = env();
    const context = await contexts.create({ viewport, colorScheme, timezoneId: "UTC" });
    const page = await openDashboard(context, rollcall.origin, ownerToken);
    await page.getByTestId("viewer").waitFor({ timeout: READY_MS });
    return { context, page };
  }

  async function expectFits(page: Page, what: string) {
    const width = await measurePageWidth(page);
    expect(width.scrollWidth, `${what}: page scrollWidth`).toBeLessThanOrEqual(width.innerWidth);
    expect(width.sticking, `${what}: elements past the right edge`).toEqual([]);
  }

  it("fits every page on a 390 px phone and a desktop, in both themes", async () => {
    const { rollcall, openUserTab, newUser, contexts } = env();
    await seedLearners(rollcall.origin, rollcall.secret, HOST_APP, 8);
    const { page: tab } = await openUserTab(newUser("Ada Lovelace"), "/lessons/algebra");
    await tab.getByText("Algebra").first().waitFor({ timeout: READY_MS });

    for (const scheme of ["light", "dark"] as const) {
      for (const viewport of [PHONE_VIEWPORT, DESKTOP_VIEWPORT]) {
        const size = `${viewport.width}-${scheme}`;
        const { page } = await signedIn(viewport, scheme);
        expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(scheme);
        for (const { name, path, ready } of PAGES) {
          await page.goto(`${rollcall.origin}${path}`);
          await page.locator(ready).first().waitFor({ timeout: READY_MS });
          await expectFits(page, `${name} at ${size}`);
          // A long name ends in an ellipsis inside its cell, never over the next column.
          const spilling = await page.locator(".cell-name").evaluateAll(
            (cells) =>
              cells.filter((cell) => {
                const name = cell.querySelector(".user-name");
                const edge = cell.getBoundingClientRect().right;
                return name !== null && name.getBoundingClientRect().right > edge + 1;
              }).length,
          );
          expect(spilling, `${name} at ${size}: names spilling out of their cells`).toBe(0);
          if (name !== "wall") {
            expect(await isInViewport(page.getByTestId("sign-out")), `${name}: Sign out`).toBe(
              true,
            );
          }
          await shoot(page, `${name}-${size}`);
        }
        // Signed out: the sign-in page, in a context of its own.
        const fresh = await contexts.create({ viewport, colorScheme: scheme });
        const login = await fresh.newPage();
        await login.goto(`${rollcall.origin}/login`);
        await login.getByTestId("login-email").waitFor({ timeout: READY_MS });
        await expectFits(login, `login at ${size}`);
        await shoot(login, `login-${size}`);
      }
    }
  }, 300_000);

  it("opens the user drawer full-screen on a phone with its close button in reach; Escape closes it", async () => {
    const { rollcall, openUserTab, newUser } = env();
    const user = newUser("Grace Brewster Murray Hopper");
    const { page: tab } = await openUserTab(user, "/lessons/fractions");
    await tab.getByText("Fractions").first().waitFor({ timeout: READY_MS });

    for (const scheme of ["light", "dark"] as const) {
      const { page } = await signedIn(PHONE_VIEWPORT, scheme);
      await page.goto(`${rollcall.origin}/`);
      const row = page.locator(`[data-testid="user-row"][data-user-id="${user.id}"]`);
      await row.waitFor({ timeout: READY_MS });
      await row.locator(".cell-name").click();
      const drawer = page.getByTestId("user-drawer");
      await drawer.waitFor({ timeout: READY_MS });
      await eventually(
        async () => expect(await drawer.textContent()).toContain("Open tabs and devices"),
        READY_MS,
      );
      // Measured once its slide-in has finished (it starts 24 px to the right).
      await drawer.evaluate((element) =>
        Promise.all(element.getAnimations().map((animation) => animation.finished)),
      );
      const box = await drawer.boundingBox();
      expect(box?.x, "drawer left edge").toBeCloseTo(0, 0);
      expect(box?.width, "drawer width").toBeCloseTo(PHONE_VIEWPORT.width, 0);
      expect(await isInViewport(page.getByTestId("drawer-close")), "close button on screen").toBe(
        true,
      );
      await expectFits(page, `drawer (${scheme})`);
      await shoot(page, `user-drawer-390-${scheme}`);

      await page.keyboard.press("Escape");
      await drawer.waitFor({ state: "detached", timeout: READY_MS });
      // Focus is back on the row that opened it, for the next Tab or Enter.
      await eventually(
        async () =>
          expect(
            await page.evaluate(() => document.activeElement?.getAttribute("data-user-id")),
          ).toBe(user.id),
        READY_MS,
      );
    }
  }, 120_000);

  it("keeps Tab inside the open drawer and closes it from the keyboard alone", async () => {
    const { rollcall, openUserTab, newUser } = env();
    const user = newUser("Katherine Johnson");
    await openUserTab(user, "/quiz/3");
    const { page } = await signedIn(DESKTOP_VIEWPORT, "light");
    await page.goto(`${rollcall.origin}/`);
    const row = page.locator(`[data-testid="user-row"][data-user-id="${user.id}"]`);
    await row.waitFor({ timeout: READY_MS });
    await row.focus();
    await page.keyboard.press("Enter");
    const drawer = page.getByTestId("user-drawer");
    await drawer.waitFor({ timeout: READY_MS });
    for (let step = 0; step < 12; step++) {
      await page.keyboard.press("Tab");
      const focus = await page.evaluate(() => ({
        isInside:
          document.querySelector('[data-testid="user-drawer"]')?.contains(document.activeElement) ??
          false,
        what: `${document.activeElement?.tagName} ${document.activeElement?.className} ${document.activeElement?.textContent?.slice(0, 30)}`,
      }));
      expect(focus.isInside, `focus after ${step + 1} Tab presses: ${focus.what}`).toBe(true);
    }
    await page.getByTestId("drawer-close").focus();
    await page.keyboard.press("Enter");
    await drawer.waitFor({ state: "detached", timeout: READY_MS });
  }, 120_000);

  it("remembers the theme picked in the header across a reload, over the system's", async () => {
    const { rollcall } = env();
    const { page } = await signedIn(PHONE_VIEWPORT, "light");
    const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
    const background = () =>
      page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    expect(await theme()).toBe("light");
    const lightBackground = await background();
    const button = page.getByTestId("theme-button");
    // System → Light → Dark.
    await button.click();
    await eventually(
      async () => expect(await button.getAttribute("data-theme-choice")).toBe("light"),
      READY_MS,
    );
    await button.click();
    await eventually(async () => expect(await theme()).toBe("dark"), READY_MS);
    await page.goto(`${rollcall.origin}/analytics`);
    await page.getByTestId("viewer").waitFor({ timeout: READY_MS });
    expect(await theme()).toBe("dark");
    expect(await button.getAttribute("data-theme-choice")).toBe("dark");
    expect(await background()).not.toBe(lightBackground);
  }, 120_000);
});
