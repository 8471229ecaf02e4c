// Share links in a real browser: made in the Share dialog, opened in a fresh context with no cookie
// (only that report shows), then revoked in the dialog and refused; expired and forged links too.

import { SignJWT } from "jose";
import type { BrowserContext, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { type AxeFinding, seriousAxeFindings } from "./support/axe.js";
import { seedLearners } from "./support/backend-api.js";
import { browserSkipReason, collectPageErrors, suiteName } from "./support/browser.js";
import { useEnvironment } from "./support/environment.js";
import { eventually, SETTLE_MS } from "./support/eventually.js";
import { shoot } from "./support/screenshots.js";
import { signViewerToken } from "./support/tokens.js";

const APP = "math-mentor";
const WIDE = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };

/** Signs the context in through /embed and opens the app's Users page. */
async function openUsersPage(context: BrowserContext, origin: string, token: string) {
  const page = await context.newPage();
  const next = `/analytics/${APP}?range=7d&tz=UTC`;
  await page.goto(
    `${origin}/embed?token=${encodeURIComponent(token)}&next=${encodeURIComponent(next)}`,
  );
  await page.getByTestId("heatmap").waitFor({ timeout: SETTLE_MS });
  return page;
}

/** Makes a link in the Share dialog; returns its address. */
async function makeLink(page: Page, options: { includeTable: boolean; shots?: string }) {
  await page.getByTestId("share-open").click();
  const dialog = page.getByRole("dialog", { name: "Share this report" });
  await dialog.waitFor({ timeout: SETTLE_MS });
  expect(await page.getByTestId("share-include-table").isChecked()).toBe(false);
  if (options.includeTable) await page.getByTestId("share-include-table").check();
  await page.getByTestId("share-create").click();
  const url = await eventually(async () => {
    const value = await page.getByTestId("share-url").inputValue({ timeout: 1_000 });
    expect(value).toMatch(/\/share\/[\w-]+\.[\w-]+\.[\w-]+$/);
    return value;
  }, SETTLE_MS);
  if (options.shots) await shoot(page, options.shots);
  return url;
}

/** axe's serious findings, one line each, for an assertion that names the page. */
async function axeProblems(page: Page): Promise<string[]> {
  const findings: AxeFinding[] = await seriousAxeFindings(page);
  return findings.map((f) => `${f.id} (${f.impact}): ${f.help} at ${f.nodes.join(", ")}`);
}

/** The link id a share address's token names (its `sub`). */
function linkId(url: string): string {
  const payload = new URL(url).pathname.split(".")[1] ?? "";
  return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")).sub;
}

async function openShared(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

describe.skipIf(browserSkipReason !== null)(suiteName("share links"), () => {
  const env = useEnvironment();

  it("an instructor shares a report; a stranger sees only it, then not at all once revoked", async () => {
    const { rollcall, contexts } = env();
    await seedLearners(rollcall.origin, rollcall.secret, APP, 8);
    const instructor = await signViewerToken(rollcall.secret, {
      id: "teacher",
      role: "instructor",
      apps: [APP],
    });
    const mine = await contexts.create({ viewport: WIDE, timezoneId: "UTC", bypassCSP: true });
    const page = await openUsersPage(mine, rollcall.origin, instructor);
    const url = await makeLink(page, { includeTable: false, shots: "share-dialog-1440-light" });

    // A fresh browser: no cookie, no session, nothing but the link.
    const stranger = await contexts.create({
      viewport: WIDE,
      timezoneId: "Asia/Tokyo",
      bypassCSP: true,
    });
    const shared = await openShared(stranger, url);
    const errors = collectPageErrors(shared);
    await shared.getByTestId("shared-report").waitFor({ timeout: SETTLE_MS });
    await eventually(async () => {
      expect(await shared.getByTestId("heatmap-cell").count()).toBe(168);
      expect(await shared.getByTestId("card-total-registered").getAttribute("data-value")).toBe(
        "8",
      );
    }, SETTLE_MS);
    expect(await shared.locator("h1").textContent()).toBe(APP);
    // The link's zone, not the stranger's.
    expect(await shared.getByTestId("shared-range").textContent()).toMatch(/Past 7 days .* · UTC/);
    expect(await shared.getByTestId("shared-footer").textContent()).toMatch(/expires/);
    const text = (await shared.locator("body").textContent()) ?? "";
    expect(text).not.toMatch(/Learner \d|school\.example|User details|Connected users|Sign out/);
    expect(await shared.getByTestId("users-row").count()).toBe(0);
    expect(await shared.getByTestId("share-open").count()).toBe(0);
    expect(await stranger.cookies()).toEqual([]);
    await shoot(shared, "shared-report-1440-light");
    expect(errors.uncaught).toEqual([]);
    expect(await axeProblems(shared)).toEqual([]);
    expect(await axeProblems(page)).toEqual([]);

    // Escape closes the dialog and gives the focus back to Share.
    const focused = () => page.evaluate(() => document.activeElement?.textContent?.trim());
    await page.keyboard.press("Escape");
    await page.getByTestId("share-dialog").waitFor({ state: "detached", timeout: SETTLE_MS });
    expect(await focused()).toBe("Share");

    // Revoked in the dialog, from the keyboard, after a confirmation that starts on "Keep".
    await page.keyboard.press("Enter");
    const row = page.locator(`[data-testid="share-link"][data-link-id="${linkId(url)}"]`);
    await row.getByTestId("share-revoke").focus();
    await page.keyboard.press("Enter");
    await eventually(async () => expect(await focused()).toBe("Keep"), SETTLE_MS);
    await page.keyboard.press("Shift+Tab");
    expect(await focused()).toBe("Revoke");
    await page.keyboard.press("Enter");
    await row.waitFor({ state: "detached", timeout: SETTLE_MS });
    expect(await focused()).toBe("Open links to this app");
    await shared.reload();
    const refused = shared.getByTestId("share-failed");
    await refused.waitFor({ timeout: SETTLE_MS });
    expect(await refused.getAttribute("data-failure")).toBe("share_link_revoked");
    expect(await shared.locator("h1").textContent()).toBe("This shared report was revoked");
    const api = await fetch(url.replace("/share/", "/api/v1/share/"));
    expect(api.status).toBe(410);
    await shoot(shared, "share-revoked-1440-light");
  });

  it("an owner shares the table on purpose; expired and forged links get a clear page", async () => {
    const { rollcall, contexts, ownerToken } = env();
    await seedLearners(rollcall.origin, rollcall.secret, APP, 8);
    const mine = await contexts.create({
      viewport: PHONE,
      timezoneId: "UTC",
      colorScheme: "dark",
      bypassCSP: true,
    });
    const page = await openUsersPage(mine, rollcall.origin, ownerToken);
    const url = await makeLink(page, { includeTable: true, shots: "share-dialog-390-dark" });
    const id = linkId(url);
    const row = page.locator(`[data-testid="share-link"][data-link-id="${id}"]`);
    await row.waitFor({ timeout: SETTLE_MS });
    expect(await row.textContent()).toContain("user table included");
    await shoot(page, "share-dialog-list-390-dark");
    expect(await axeProblems(page)).toEqual([]);

    for (const [viewport, scheme, name] of [
      [PHONE, "dark", "390-dark"],
      [WIDE, "dark", "1440-dark"],
      [PHONE, "light", "390-light"],
    ] as const) {
      const stranger = await contexts.create({ viewport, colorScheme: scheme, bypassCSP: true });
      const shared = await openShared(stranger, url);
      await eventually(async () => {
        expect(await shared.getByTestId("users-row").count()).toBe(8);
      }, SETTLE_MS);
      expect(await shared.locator("body").textContent()).toContain("school.example");
      await shoot(shared, `shared-report-table-${name}`);
      expect(await axeProblems(shared), name).toEqual([]);
    }

    // The same link, expired: its token signed with a time already past (the clock we control).
    const expired = await new SignJWT({ plat: "default" })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setAudience("rollcall:share")
      .setSubject(id)
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7_200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(rollcall.secret));
    const stranger = await contexts.create({ viewport: PHONE, bypassCSP: true });
    const late = await openShared(stranger, `${rollcall.origin}/share/${expired}`);
    const failed = late.getByTestId("share-failed");
    await failed.waitFor({ timeout: SETTLE_MS });
    expect(await failed.getAttribute("data-failure")).toBe("share_link_expired");
    await shoot(late, "share-expired-390-light");
    expect(await axeProblems(late)).toEqual([]);

    const [head, body] = new URL(url).pathname.replace("/share/", "").split(".");
    const forged = await openShared(stranger, `${rollcall.origin}/share/${head}.${body}.AAAA`);
    await forged.getByTestId("share-failed").waitFor({ timeout: SETTLE_MS });
    expect(await forged.getByTestId("share-failed").getAttribute("data-failure")).toBe(
      "share_link_invalid",
    );
  });
});
