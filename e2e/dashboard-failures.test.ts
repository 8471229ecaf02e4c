// When things go wrong, a designed page or message: an expired or invalid /embed link, an
// impossible custom range (from the URL and typed), an app that does not exist, signing out.
import { describe, expect, it } from "vitest";
import { seedLearners } from "./support/backend-api.js";
import { browserSkipReason, suiteName } from "./support/browser.js";
import { openDashboard } from "./support/dashboard.js";
import { useEnvironment } from "./support/environment.js";
import { eventually } from "./support/eventually.js";
import { HOST_APP } from "./support/host-site.js";
import { measurePageWidth, PHONE_VIEWPORT } from "./support/page-layout.js";
import { shoot } from "./support/screenshots.js";
import { signViewerToken } from "./support/tokens.js";

const READY_MS = 15_000;

describe.skipIf(browserSkipReason !== null)(suiteName("failure states"), () => {
  const env = useEnvironment();

  it("explains an expired /embed link on a page, and an invalid one; the API still gets JSON", async () => {
    const { rollcall, contexts } = env();
    const expired = await signViewerToken(rollcall.secret, { id: "late", role: "admin" }, -60);
    const context = await contexts.create({ viewport: PHONE_VIEWPORT });
    const page = await context.newPage();

    const response = await page.goto(`${rollcall.origin}/embed?token=${expired}`);
    expect(response?.status()).toBe(401);
    const failed = page.getByTestId("embed-failed");
    await failed.waitFor({ timeout: READY_MS });
    const text = (await failed.textContent()) ?? "";
    expect(text).toContain("This link has expired");
    expect(text).toMatch(/open Rollcall from its admin pages again/);
    expect(await page.locator("body").textContent()).not.toContain('"error"');
    const width = await measurePageWidth(page);
    expect(width.scrollWidth).toBeLessThanOrEqual(width.innerWidth);
    await shoot(page, "embed-expired-390-light");

    await page.goto(`${rollcall.origin}/embed?token=not-a-token`);
    await eventually(
      async () =>
        expect(await page.getByTestId("embed-failed").textContent()).toContain("not valid"),
      READY_MS,
    );

    // A script or curl (no text/html in Accept) keeps the JSON error.
    const api = await fetch(`${rollcall.origin}/embed?token=${expired}`, { redirect: "manual" });
    expect(api.status).toBe(401);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe("token_expired");
  });

  it("says a custom range starting after its end is wrong, from the URL and typed, without stale numbers", async () => {
    const { rollcall, contexts, ownerToken } = env();
    await seedLearners(rollcall.origin, rollcall.secret, HOST_APP, 4);
    const context = await contexts.create({ viewport: PHONE_VIEWPORT, timezoneId: "UTC" });
    const page = await openDashboard(context, rollcall.origin, ownerToken);
    await page.getByTestId("viewer").waitFor({ timeout: READY_MS });

    // Opened from a link: an error, and no loading placeholders left waiting forever.
    await page.goto(
      `${rollcall.origin}/analytics/${HOST_APP}?range=custom&from=2026-05-20&to=2026-05-01`,
    );
    const error = page.getByTestId("range-error");
    await error.waitFor({ timeout: READY_MS });
    expect(await error.textContent()).toContain("The start date is after the end date.");
    await eventually(async () => {
      expect(await page.locator(".skeleton").count(), "loading placeholders").toBe(0);
      expect(await page.getByTestId("range-blocked").count()).toBeGreaterThan(0);
    }, READY_MS);
    await shoot(page, "range-from-link-390-light");

    // Typed over a range that worked: its numbers stay, dimmed, and the page says whose they are.
    await page.goto(
      `${rollcall.origin}/analytics/${HOST_APP}?range=custom&from=2026-05-01&to=2026-05-20`,
    );
    await page.getByTestId("range-words").waitFor({ timeout: READY_MS });
    await page.getByTestId("card-total-registered").locator(".metric-value").waitFor({
      timeout: READY_MS,
    });
    const from = page.getByTestId("custom-from");
    expect(await from.inputValue()).toBe("1 May 2026");
    await from.fill("1 Jun 2026");
    await from.press("Enter");
    await error.waitFor({ timeout: READY_MS });
    expect(await error.textContent()).toContain("from the range shown before");
    const body = page.locator(".analytics-body");
    expect(await body.getAttribute("class")).toContain("is-stale");
    expect(
      Number(await body.evaluate((element) => getComputedStyle(element).opacity)),
    ).toBeLessThan(0.6);
    await shoot(page, "range-typed-390-light");
  });

  it("shows 'No such app' for an app never seen, and the API answers 404 unknown_app (_all still works)", async () => {
    const { rollcall, contexts, ownerToken } = env();
    const context = await contexts.create({ viewport: PHONE_VIEWPORT });
    const page = await openDashboard(context, rollcall.origin, ownerToken);
    await page.getByTestId("viewer").waitFor({ timeout: READY_MS });
    await page.goto(`${rollcall.origin}/analytics/no-such-app`);
    const message = page.getByTestId("unknown-app");
    await message.waitFor({ timeout: READY_MS });
    expect(await page.locator("h2").first().textContent()).toBe("No such app");
    expect(await page.getByTestId("no-activity").count()).toBe(0);
    await shoot(page, "no-such-app-390-light");

    const ask = (app: string) =>
      fetch(`${rollcall.origin}/api/v1/apps/${app}/analytics/users/summary?range=7d`, {
        headers: { authorization: `Bearer ${ownerToken}` },
      });
    const unknown = await ask("no-such-app");
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe("unknown_app");
    expect((await ask("_all")).status).toBe(200);
  });

  it("signs a viewer who came through /embed out to a page that says how to come back", async () => {
    const { rollcall, contexts } = env();
    const admin = await signViewerToken(rollcall.secret, { id: "embedded-admin", role: "admin" });
    const context = await contexts.create({ viewport: PHONE_VIEWPORT });
    const page = await openDashboard(context, rollcall.origin, admin);
    await page.getByTestId("sign-out").click();
    const signedOut = page.getByTestId("signed-out");
    await signedOut.waitFor({ timeout: READY_MS });
    expect(new URL(page.url()).pathname).toBe("/signed-out");
    expect(await signedOut.textContent()).toContain("open Rollcall again from your platform");
    await shoot(page, "signed-out-390-light");
    // The session is over: the dashboard is closed to this browser now.
    const me = await page.evaluate(async () => (await fetch("/api/v1/me")).status);
    expect(me).toBe(401);
    // Reloading the page keeps the message (it needs no session).
    await page.reload();
    await signedOut.waitFor({ timeout: READY_MS });
  });
});
