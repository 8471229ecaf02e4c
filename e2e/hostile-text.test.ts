// Names, titles and paths come from the tracked platform: the dashboard shows them as text, inert.
import { describe, expect, it } from "vitest";
import { browserSkipReason, collectPageErrors, suiteName } from "./support/browser.js";
import {
  chooseLiveMode,
  DASHBOARD_VIEWPORT,
  openDashboard,
  rowState,
  userRow,
} from "./support/dashboard.js";
import { useEnvironment } from "./support/environment.js";
import { eventually, SETTLE_MS } from "./support/eventually.js";

const HOSTILE_NAME = `<img src=x onerror="window.__xss='name'">`;
const HOSTILE_TITLE = `<script>window.__xss='title'</script><img src=y onerror="window.__xss='title'">`;

describe.skipIf(browserSkipReason !== null)(suiteName("hostile text"), () => {
  const env = useEnvironment();

  it("shows a name and a page title full of markup as plain text, running none of it", async () => {
    const { contexts, rollcall, ownerToken, openUserTab, newUser, api } = env();
    const user = { ...newUser("Mallory"), name: HOSTILE_NAME };
    const { page } = await openUserTab(user, "/");
    await page.evaluate((title) => {
      document.title = title;
    }, HOSTILE_TITLE);
    await eventually(async () => {
      const snapshot = await api.snapshot();
      const row = snapshot.users.find((u) => u.id === user.id);
      expect(row?.currentPage?.title).toBe(HOSTILE_TITLE);
    }, SETTLE_MS);

    const context = await contexts.create({ viewport: DASHBOARD_VIEWPORT });
    const dashboard = await openDashboard(context, rollcall.origin, ownerToken);
    const errors = collectPageErrors(dashboard);
    await chooseLiveMode(dashboard);
    await eventually(async () => {
      const state = await rowState(dashboard, user.id);
      expect(state.text).toContain(HOSTILE_NAME);
      expect(state.text).toContain("<script>");
    }, SETTLE_MS);
    await userRow(dashboard, user.id).click();
    await dashboard.getByTestId("user-drawer").waitFor({ timeout: SETTLE_MS });
    // The detail (tabs, page trail) loads after the drawer opens.
    await eventually(async () => {
      const text = await dashboard.getByTestId("user-drawer").textContent();
      expect(text).toContain(HOSTILE_TITLE.slice(0, 20));
    }, SETTLE_MS);
    // Give any injected handler a chance to run, then check nothing did.
    await dashboard.waitForTimeout(300);
    expect(await dashboard.evaluate(() => (window as { __xss?: string }).__xss)).toBeUndefined();
    expect(await dashboard.locator("img[src='x'], img[src='y']").count()).toBe(0);
    expect(errors.uncaught).toEqual([]);
  });
});
