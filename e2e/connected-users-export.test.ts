// The Connected users page searched by accent-free names and by page path, then exported as CSV:
// the file's rows are the rows shown, in their order (ties included, in every sort), times in the
// browser's zone with its offset.
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { browserSkipReason, suiteName } from "./support/browser.js";
import { openDashboard } from "./support/dashboard.js";
import { useEnvironment } from "./support/environment.js";
import { eventually, SETTLE_MS } from "./support/eventually.js";
import type { HostPath } from "./support/host-site.js";
import { REPO_ROOT } from "./support/rollcall-server.js";

const SCREENSHOTS = join(REPO_ROOT, "e2e/screenshots");
const ZONE = "Asia/Kathmandu";

/** The user ids on screen, top to bottom. */
function shownIds(dashboard: Page): Promise<string[]> {
  return dashboard.getByTestId("user-row").evaluateAll((rows) =>
    rows
      .map((row) => ({
        at: Number(row.getAttribute("aria-rowindex")),
        id: row.getAttribute("data-user-id") ?? "",
      }))
      .sort((a, b) => a.at - b.at)
      .map((row) => row.id),
  );
}

/** Clicks the CSV button; the file's lines split into cells (no quoted commas in these names). */
async function exportCsv(dashboard: Page): Promise<string[][]> {
  const [download] = await Promise.all([
    dashboard.waitForEvent("download"),
    dashboard.getByTestId("presence-csv").click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^connected-users-default-.*\+0545\.csv$/);
  return readFileSync((await download.path())!, "utf8")
    .trim()
    .split("\r\n")
    .map((line) => line.split(","));
}

describe.skipIf(browserSkipReason !== null)(suiteName("Connected users search and CSV"), () => {
  const env = useEnvironment();

  it("finds users without their accents and by page, and exports exactly the rows shown", async () => {
    const { api, contexts, rollcall, ownerToken, openUserTab, newUser } = env();
    const people: { name: string; path: HostPath }[] = [
      { name: "José Ñúñez", path: "/lessons/algebra" },
      { name: "Anders Ångström", path: "/quiz/3" },
      { name: "Lena Straße", path: "/lessons/fractions" },
      { name: "Selin İstanbullu", path: "/" },
    ];
    const ids: string[] = [];
    for (const person of people) {
      const user = newUser(person.name);
      await openUserTab(user, person.path);
      ids.push(user.id);
    }
    await eventually(async () => {
      const { summary } = await api.snapshot();
      expect(summary.online + summary.idle).toBe(people.length);
    }, SETTLE_MS);

    const context = await contexts.create({
      viewport: { width: 1440, height: 900 },
      timezoneId: ZONE,
      acceptDownloads: true,
    });
    const dashboard = await openDashboard(context, rollcall.origin, ownerToken);
    await eventually(async () => expect((await shownIds(dashboard)).length).toBe(4), SETTLE_MS);
    // By name: an order that tabs going idle (after a few seconds here) do not change.
    await dashboard.getByTestId("sort-name").click();

    const search = async (text: string, expected: string[]) => {
      await dashboard.getByTestId("search").fill(text);
      await eventually(
        async () => expect([...(await shownIds(dashboard))].sort()).toEqual([...expected].sort()),
        SETTLE_MS,
        { what: `search "${text}"` },
      );
      const shown = await shownIds(dashboard);
      const csv = await exportCsv(dashboard);
      expect(csv[0]?.slice(0, 5)).toEqual(["id", "name", "email", "role", "status"]);
      expect(csv.slice(1).map((cells) => cells[0])).toEqual(shown);
      return csv;
    };

    await search("nunez", [ids[0]!]);
    await search("ANGSTROM", [ids[1]!]);
    await search("strasse", [ids[2]!]);
    await search("istanbul", [ids[3]!]);
    const onLessons = await search("/lessons", [ids[0]!, ids[2]!]);
    for (const cells of onLessons.slice(1)) {
      expect(cells[6]).toMatch(/^\/lessons\//);
      expect(cells[8]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+05:45$/);
    }
    await search("fractions |", [ids[2]!]);

    mkdirSync(SCREENSHOTS, { recursive: true });
    await dashboard.getByTestId("search").fill("/lessons");
    await eventually(async () => expect((await shownIds(dashboard)).length).toBe(2), SETTLE_MS);
    for (const colorScheme of ["light", "dark"] as const) {
      await dashboard.emulateMedia({ colorScheme });
      for (const [name, size] of [
        ["wide", { width: 1440, height: 900 }],
        ["phone", { width: 390, height: 844 }],
      ] as const) {
        await dashboard.setViewportSize(size);
        await dashboard.screenshot({
          path: join(SCREENSHOTS, `connected-users-search-${name}-${colorScheme}.png`),
          animations: "disabled",
        });
      }
    }
  });

  it("lists users that tie in the table's order, in every sort and both directions", async () => {
    const { contexts, rollcall, ownerToken, openUserTab, newUser } = env();
    // Four never seen whose names fold alike (one without a role), and one of the same name online.
    for (const [id, name, role] of [
      ["twin-c", "Twin Lee", "Learner"],
      ["twin-a", "Twin Lee", ""],
      ["twin-d", "TWIN LÉE", "Learner"],
      ["twin-b", "Twin Lee", "Learner"],
    ]) {
      const response = await fetch(`${rollcall.origin}/api/v1/users/${id}`, {
        method: "PUT",
        headers: { authorization: `Bearer ${rollcall.secret}`, "content-type": "application/json" },
        body: JSON.stringify({ name, email: `${id}@school.example`, role }),
      });
      expect(response.status).toBeLessThan(300);
    }
    await openUserTab(newUser("Twin Lee"), "/lessons/algebra");

    const context = await contexts.create({
      viewport: { width: 1440, height: 900 },
      timezoneId: ZONE,
      acceptDownloads: true,
    });
    const dashboard = await openDashboard(context, rollcall.origin, ownerToken);
    await dashboard.getByTestId("search").fill("twin");
    await eventually(async () => expect(await shownIds(dashboard)).toHaveLength(5), SETTLE_MS, {
      what: "the five twins listed",
    });
    const orders = new Set<string>();
    for (const [column, direction] of [
      ["status", "descending"],
      ["name", "ascending"],
      ["name", "descending"],
      ["role", "ascending"],
      ["role", "descending"],
      ["page", "ascending"],
      ["page", "descending"],
      ["activeFor", "descending"],
      ["activeFor", "ascending"],
    ] as const) {
      const header = dashboard.locator(`th:has([data-testid="sort-${column}"])`);
      if ((await header.getAttribute("aria-sort")) !== direction) {
        await dashboard.getByTestId(`sort-${column}`).click();
      }
      await eventually(
        async () => expect(await header.getAttribute("aria-sort")).toBe(direction),
        SETTLE_MS,
        { what: `sorted by ${column}, ${direction}` },
      );
      const shown = await shownIds(dashboard);
      const csv = await exportCsv(dashboard);
      expect(
        csv.slice(1).map((cells) => cells[0]),
        `${column} ${direction}`,
      ).toEqual(shown);
      orders.add(shown.join(" "));
    }
    // The sorts gave different orders: the ties were really broken, not all read alike.
    expect(orders.size).toBeGreaterThan(2);
  });
});
