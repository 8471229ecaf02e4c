// The dashboard's own widgets as a person uses them: the custom range's dates typed and picked,
// a heatmap cell read out as text (as a screen reader gets it), and the Avg session card ticking
// with the page's clock driven by hand.
import type { Page } from "playwright-core";
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
const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

interface HeatmapCell {
  weekday: number;
  hour: number;
  average: number;
  total: number;
  occurrences: number;
}

describe.skipIf(browserSkipReason !== null)(suiteName("dashboard widgets"), () => {
  const env = useEnvironment();

  async function signedIn(
    viewport: { width: number; height: number },
    colorScheme: "light" | "dark" = "light",
    options: { hasFakeClock?: boolean } = {},
  ): Promise<Page> {
    const { contexts, rollcall, ownerToken } = env();
    const context = await contexts.create({
      viewport,
      colorScheme,
      timezoneId: "UTC",
      bypassCSP: true, // for axe's script tag
    });
    // Fake timers from the first page on; time flows as usual until the test pauses it.
    if (options.hasFakeClock) await context.clock.install();
    const page = await openDashboard(context, rollcall.origin, ownerToken);
    await page.getByTestId("viewer").waitFor({ timeout: READY_MS });
    return page;
  }

  const search = (page: Page, name: string) => new URL(page.url()).searchParams.get(name);

  it("writes the custom range's dates the page's way, and takes them typed or picked", async () => {
    const { rollcall } = env();
    await seedLearners(rollcall.origin, rollcall.secret, HOST_APP, 5);
    for (const [viewport, scheme] of [
      [PHONE_VIEWPORT, "dark"],
      [DESKTOP_VIEWPORT, "light"],
    ] as const) {
      const page = await signedIn(viewport, scheme);
      await page.goto(
        `${rollcall.origin}/analytics/${HOST_APP}?range=custom&from=2026-05-01&to=2026-05-20`,
      );
      const from = page.getByTestId("custom-from");
      const to = page.getByTestId("custom-to");
      await from.waitFor({ timeout: READY_MS });
      expect(await from.inputValue()).toBe("1 May 2026");
      expect(await to.inputValue()).toBe("20 May 2026");
      expect(await page.getByRole("textbox", { name: "From (inclusive)" }).count()).toBe(1);
      expect(await page.getByTestId("range-words").textContent()).toBe("20 days");

      // Typed, without a year: the field's year; the field then writes it in full.
      await from.fill("3 May");
      await page.keyboard.press("Tab");
      await eventually(() => expect(search(page, "from")).toBe("2026-05-03"), READY_MS);
      expect(await from.inputValue()).toBe("3 May 2026");
      expect(await page.getByTestId("range-words").textContent()).toBe("18 days");

      // Something it cannot read: said next to the field, the range unchanged; Escape undoes.
      await from.fill("next tuesday");
      await from.press("Enter");
      const hint = page.getByTestId("custom-from-hint");
      await hint.waitFor({ timeout: READY_MS });
      expect(await hint.textContent()).toBe("Write a date like 3 Nov 2026");
      expect(await from.getAttribute("aria-invalid")).toBe("true");
      expect(search(page, "from")).toBe("2026-05-03");
      const size = `${viewport.width}-${scheme}`;
      expect((await measurePageWidth(page)).sticking, `date hint at ${size}`).toEqual([]);
      expect(await seriousAxeFindings(page), `axe, date hint at ${size}`).toEqual([]);
      await shoot(page, `custom-range-hint-${size}`);
      await from.press("Escape");
      expect(await from.inputValue()).toBe("3 May 2026");
      expect(await hint.count()).toBe(0);
      // Emptied and left: the range's date comes back, nothing changes.
      await from.fill("");
      await from.blur();
      expect(await from.inputValue()).toBe("3 May 2026");
      expect(await hint.count()).toBe(0);

      // Picked from the browser's calendar (its input sits invisibly over the icon, out of the
      // Tab order: the keyboard types).
      const picker = page.getByTestId("custom-to-picker");
      expect(await picker.getAttribute("tabindex")).toBe("-1");
      await picker.fill("2026-05-25");
      await eventually(() => expect(search(page, "to")).toBe("2026-05-25"), READY_MS);
      expect(await to.inputValue()).toBe("25 May 2026");

      // From the keyboard alone: Tab from the From field reaches the To field next.
      await from.focus();
      await page.keyboard.press("Tab");
      expect(await page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe(
        "custom-to",
      );
      await page.keyboard.press("ControlOrMeta+a");
      await page.keyboard.type("Jun 2, 2026");
      await page.keyboard.press("Enter");
      await eventually(() => expect(search(page, "to")).toBe("2026-06-02"), READY_MS);
    }
  }, 120_000);

  it("gives every heatmap cell a text equivalent with the API's numbers for it", async () => {
    const { rollcall, ownerToken } = env();
    await seedLearners(rollcall.origin, rollcall.secret, HOST_APP, 5);
    const response = await fetch(
      `${rollcall.origin}/api/v1/apps/${HOST_APP}/analytics/users/heatmap?range=30d&tz=UTC`,
      { headers: { authorization: `Bearer ${ownerToken}` } },
    );
    const { cells } = (await response.json()) as { cells: HeatmapCell[] };
    const busiest = cells.reduce((best, cell) => (cell.total > best.total ? cell : best));
    const quiet = cells.find((cell) => cell.total === 0)!;
    expect(busiest.total).toBeGreaterThan(0);

    const page = await signedIn(DESKTOP_VIEWPORT);
    await page.goto(`${rollcall.origin}/analytics/${HOST_APP}?range=30d&tz=UTC`);
    for (const cell of [busiest, quiet]) {
      const element = page.locator(
        `[data-testid="heatmap-cell"][data-weekday="${cell.weekday}"][data-hour="${cell.hour}"]`,
      );
      await element.waitFor({ timeout: READY_MS });
      // What the accessibility tree holds for the cell, not an attribute the test picked.
      const snapshot = await element.ariaSnapshot();
      const when = `${WEEKDAYS[cell.weekday - 1]} ${String(cell.hour).padStart(2, "0")}:00`;
      expect(snapshot).toContain(`cell "${when} — average `);
      const days = cell.occurrences === 1 ? "day" : "days";
      expect(snapshot).toContain(`(total ${cell.total} over ${cell.occurrences} ${days})`);
      const average = Number(/average ([\d.]+) user/.exec(snapshot)?.[1]);
      expect(average).toBeCloseTo(cell.average, 1);
    }
    // The table itself is named, with its headers, for reading cell by cell.
    expect(await page.getByRole("table", { name: /Average active users by weekday/ }).count()).toBe(
      1,
    );
    expect(await page.getByRole("rowheader", { name: "Mon" }).count()).toBe(1);
  }, 60_000);

  it("moves the Avg session card while a session is open, with the page's clock run by hand", async () => {
    const { openUserTab, newUser } = env();
    const user = newUser("Ada Lovelace");
    const { page: tab } = await openUserTab(user, "/lessons/algebra");
    await tab.getByText("Algebra").first().waitFor({ timeout: READY_MS });

    // Only the dashboard's context runs on the fake clock; the user's tab keeps real time.
    const page = await signedIn(DESKTOP_VIEWPORT, "light", { hasFakeClock: true });
    await userRow(page, user.id).waitFor({ timeout: READY_MS });
    const card = page.getByTestId("summary-avg-session");
    const seconds = async () => Number(await card.getAttribute("data-value"));
    // The server's first figure for Ada's session (it computes the average in the background).
    await eventually(async () => expect(await seconds()).toBeGreaterThan(0), READY_MS);
    // Stop the page's time where it is; nothing moves until the test says so.
    await page.clock.pauseAt(await page.evaluate(() => Date.now() + 1_000));
    const before = await seconds();
    const shownBefore = await card.textContent();

    await page.clock.runFor(150_000);
    const after = await seconds();
    // Ada's session is the only one open: the mean grows by the time that passed over the
    // sessions counted, at least a little, and never stands still.
    expect(after).toBeGreaterThan(before);
    expect(await card.textContent()).not.toBe(shownBefore);
  }, 60_000);
});
