// The dashboard pages as a viewer sees them: screenshots for people to look at (e2e/screenshots/,
// gitignored) once the page agrees with the API, and the table's search and filters.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { browserSkipReason, suiteName } from "./support/browser.js";
import {
  cardNumber,
  chooseLiveMode,
  DASHBOARD_VIEWPORT,
  openDashboard,
  rowState,
} from "./support/dashboard.js";
import { useEnvironment } from "./support/environment.js";
import { eventually, SETTLE_MS } from "./support/eventually.js";
import { HOST_PAGES, type HostPath } from "./support/host-site.js";
import type { PresenceUser } from "./support/presence-api.js";
import { REPO_ROOT } from "./support/rollcall-server.js";

const SCREENSHOTS = join(REPO_ROOT, "e2e/screenshots");

describe.skipIf(browserSkipReason !== null)(suiteName("dashboard pages"), () => {
  const env = useEnvironment();

  it("saves connected-users.png, user-drawer.png and wall.png", async () => {
    const { api, contexts, rollcall, ownerToken, openUserTab, newUser } = env();
    mkdirSync(SCREENSHOTS, { recursive: true });

    const people: { name: string; role: string; path: HostPath }[] = [
      { name: "Ada Lovelace", role: "Learner", path: "/lessons/algebra" },
      { name: "Grace Hopper", role: "Instructor", path: "/lessons/fractions" },
      { name: "Alan Turing", role: "Learner", path: "/quiz/3" },
      { name: "Emmy Noether", role: "Admin", path: "/" },
    ];
    const tabs: { id: string; page: Page }[] = [];
    for (const person of people) {
      const user = newUser(person.name, person.role);
      const { page } = await openUserTab(user, person.path);
      tabs.push({ id: user.id, page });
    }
    await eventually(async () => {
      const snapshot = await api.snapshot();
      expect(snapshot.summary.online + snapshot.summary.idle).toBe(people.length);
    }, SETTLE_MS);
    // Emmy leaves: one offline row too.
    const emmy = tabs.pop()!;
    await emmy.page.close();

    const context = await contexts.create({ viewport: DASHBOARD_VIEWPORT });
    const dashboard = await openDashboard(context, rollcall.origin, ownerToken);
    // The tab's icon is served (the browser asks for it as it shows the page).
    const icon = await dashboard.evaluate(async () => {
      const link = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
      const response = await fetch(link?.href ?? "/no-icon-link");
      return { status: response.status, type: response.headers.get("content-type") };
    });
    expect(icon).toEqual({ status: 200, type: expect.stringContaining("image/svg+xml") });
    await chooseLiveMode(dashboard);
    const ada = tabs[0]!;
    // Keep the others busy so the picture shows online rows (idle comes after 3 s here).
    for (const { page } of tabs) await page.mouse.move(Math.random() * 400, Math.random() * 300);

    // The cards and rows agree with the API (numbers read in the same poll).
    await eventually(
      async () => {
        const { summary, users } = await api.snapshot();
        expect(await cardNumber(dashboard, "summary-total")).toBe(summary.totalUsers);
        expect(await cardNumber(dashboard, "summary-online")).toBe(summary.online + summary.idle);
        expect(await cardNumber(dashboard, "summary-offline")).toBe(summary.offline);
        for (const user of users) {
          expect((await rowState(dashboard, user.id)).status, user.name).toBe(user.status);
        }
      },
      SETTLE_MS,
      { what: "dashboard agrees with GET /api/v1/presence" },
    );
    await eventually(
      async () =>
        expect(await dashboard.getByTestId("last-updated").textContent()).toMatch(/\d{1,2}:\d{2}/),
      SETTLE_MS,
    );
    expect(await dashboard.getByTestId("stream-banner").count(), "live-updates warning").toBe(0);
    await dashboard.screenshot({
      path: join(SCREENSHOTS, "connected-users.png"),
      animations: "disabled",
    });

    await dashboard.locator(`[data-testid="user-row"][data-user-id="${ada.id}"]`).click();
    const drawer = dashboard.getByTestId("user-drawer");
    await drawer.waitFor({ state: "visible", timeout: SETTLE_MS });
    await eventually(async () => {
      const text = (await drawer.textContent()) ?? "";
      expect(text).toContain("Ada Lovelace");
      expect(text).toContain(HOST_PAGES["/lessons/algebra"]);
    }, SETTLE_MS);
    await dashboard.screenshot({
      path: join(SCREENSHOTS, "user-drawer.png"),
      animations: "disabled",
    });

    await dashboard.goto(`${rollcall.origin}/wall`);
    await eventually(async () => {
      expect(new URL(dashboard.url()).pathname).toBe("/wall");
      expect(await dashboard.locator("body").textContent()).toContain("Grace Hopper");
    }, SETTLE_MS);
    await dashboard.screenshot({ path: join(SCREENSHOTS, "wall.png"), animations: "disabled" });
  });

  it("narrows the table by search, role and status", async () => {
    const { api, contexts, rollcall, ownerToken } = env();
    // The previous test's tabs are closed: wait until everyone is offline, then take the truth.
    const { users } = await eventually(async () => {
      const snapshot = await api.snapshot();
      expect(snapshot.summary.online + snapshot.summary.idle).toBe(0);
      return snapshot;
    }, SETTLE_MS);
    expect(users.length).toBeGreaterThanOrEqual(3);
    const idsWhere = (keep: (user: PresenceUser) => boolean) =>
      users
        .filter(keep)
        .map((user) => user.id)
        .sort();

    const context = await contexts.create({ viewport: DASHBOARD_VIEWPORT });
    const dashboard = await openDashboard(context, rollcall.origin, ownerToken);
    const shownIds = async () =>
      (
        await dashboard
          .getByTestId("user-row")
          .evaluateAll((rows) => rows.map((row) => row.getAttribute("data-user-id") ?? ""))
      ).sort();
    const expectShown = (ids: string[], what: string) =>
      eventually(async () => expect(await shownIds()).toEqual(ids), SETTLE_MS, { what });

    await eventually(async () => expect(await shownIds()).toEqual(idsWhere(() => true)), SETTLE_MS);
    await dashboard.getByTestId("search").fill("GRACE");
    await expectShown(
      idsWhere((user) => /grace/i.test(`${user.name} ${user.email}`)),
      'search "GRACE"',
    );
    await dashboard.getByTestId("search").fill("");
    await dashboard.getByTestId("filter-role").selectOption("Learner");
    await expectShown(
      idsWhere((user) => user.role === "Learner"),
      "role Learner",
    );
    await dashboard.getByTestId("filter-status").selectOption("online");
    await expectShown([], "role Learner, status online");
    await dashboard.getByTestId("filter-status").selectOption("offline");
    await expectShown(
      idsWhere((user) => user.role === "Learner" && user.status === "offline"),
      "role Learner, status offline",
    );
  });
});
