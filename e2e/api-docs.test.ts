// /api/docs shows the API description in Swagger UI, served by Rollcall alone: the page asks no
// other host for anything, and its strict CSP holds.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  browserSkipReason,
  collectPageErrors,
  launchChromium,
  suiteName,
} from "./support/browser.js";
import { SETTLE_MS } from "./support/eventually.js";
import { type RollcallServer, startRollcall } from "./support/rollcall-server.js";
import { shoot } from "./support/screenshots.js";

function isLoopback(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  if (protocol === "data:" || protocol === "blob:") return true;
  return hostname === "127.0.0.1" || hostname === "localhost" || hostname === "[::1]";
}

describe.skipIf(browserSkipReason !== null)(suiteName("API docs"), () => {
  let browser: Browser;
  let rollcall: RollcallServer;
  beforeAll(async () => {
    browser = await launchChromium();
    rollcall = await startRollcall();
  });
  afterAll(async () => {
    await browser?.close();
    await rollcall?.stop();
  });

  it("renders the operations offline, from this server only", async () => {
    const context = await browser.newContext();
    try {
      const elsewhere: string[] = [];
      await context.route("**/*", (route) => {
        const url = route.request().url();
        if (isLoopback(url)) return route.continue();
        elsewhere.push(url);
        return route.abort("blockedbyclient");
      });
      const page = await context.newPage();
      const errors = collectPageErrors(page);
      const failed: string[] = [];
      page.on("response", (answer) => {
        if (answer.status() >= 400) failed.push(`${answer.status()} ${answer.url()}`);
      });
      const response = await page.goto(`${rollcall.origin}/api/docs`);
      expect(response?.headers()["content-security-policy"]).toContain("script-src 'self'");

      await page
        .locator(".info .title", { hasText: "Rollcall API" })
        .waitFor({ timeout: SETTLE_MS });
      for (const path of [
        "/api/v1/presence",
        "/api/v1/apps/{app}/analytics/users/heatmap",
        "/api/v1/events",
      ]) {
        await page
          .locator(".opblock-summary-path", { hasText: path })
          .first()
          .waitFor({ timeout: SETTLE_MS });
      }
      await expect(
        page.getByText("Connected users: summary and one page of rows").count(),
      ).resolves.toBe(1);

      // An operation opens with its parameters and the schema of its answer.
      await page.locator(".opblock-summary-path", { hasText: /^\/api\/v1\/presence$/ }).click();
      await page.getByText("PresenceResponse").first().waitFor({ timeout: SETTLE_MS });
      await shoot(page, "api-docs");

      expect(elsewhere).toEqual([]);
      expect(failed).toEqual([]);
      expect(errors.uncaught).toEqual([]);
      expect(errors.console).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
