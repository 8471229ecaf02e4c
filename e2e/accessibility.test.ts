// axe-core (npm, run inside the page) on every page, light and dark, phone and desktop: no serious
// or critical violation (contrast, names and roles of controls, dialog, tables).
import { describe, expect, it } from "vitest";
import { type AxeFinding, seriousAxeFindings } from "./support/axe.js";
import { seedLearners } from "./support/backend-api.js";
import { browserSkipReason, suiteName } from "./support/browser.js";
import { openDashboard } from "./support/dashboard.js";
import { useEnvironment } from "./support/environment.js";
import { eventually } from "./support/eventually.js";
import { HOST_APP } from "./support/host-site.js";
import { DESKTOP_VIEWPORT, PHONE_VIEWPORT } from "./support/page-layout.js";
import { signViewerToken } from "./support/tokens.js";

const READY_MS = 15_000;

const SIGNED_IN_PAGES: ReadonlyArray<{ name: string; path: string; ready: string }> = [
  { name: "connected users", path: "/", ready: '[data-testid="user-row"]' },
  { name: "wall", path: "/wall", ready: '[data-testid="user-row"]' },
  { name: "apps", path: "/analytics", ready: '[data-testid="apps-list"]' },
  { name: "users analytics", path: `/analytics/${HOST_APP}`, ready: '[data-testid="users-row"]' },
  {
    name: "bad range",
    path: `/analytics/${HOST_APP}?range=custom&from=2026-02-02&to=2026-02-01`,
    ready: '[data-testid="range-error"]',
  },
  { name: "no such app", path: "/analytics/nope", ready: '[data-testid="unknown-app"]' },
];

function describeFindings(findings: AxeFinding[]): string {
  return findings
    .map(
      (finding) =>
        `${finding.impact} ${finding.id}: ${finding.help}\n  ${finding.nodes.join("\n  ")}`,
    )
    .join("\n");
}

describe.skipIf(browserSkipReason !== null)(suiteName("accessibility (axe-core)"), () => {
  const env = useEnvironment();

  for (const colorScheme of ["light", "dark"] as const) {
    it(`finds nothing serious on any page, ${colorScheme}, on a phone and a desktop`, async () => {
      const { rollcall, contexts, ownerToken, openUserTab, newUser } = env();
      await seedLearners(rollcall.origin, rollcall.secret, HOST_APP, 5);
      const user = newUser("Ada Lovelace");
      await openUserTab(user, "/lessons/algebra");
      const expired = await signViewerToken(rollcall.secret, { id: "late", role: "owner" }, -60);
      const problems: string[] = [];
      for (const viewport of [DESKTOP_VIEWPORT, PHONE_VIEWPORT]) {
        const where = `${colorScheme} ${viewport.width}px`;
        // axe is injected as a script tag, which the dashboard's CSP (script-src 'self') refuses.
        const context = await contexts.create({ viewport, colorScheme, bypassCSP: true });
        const page = await openDashboard(context, rollcall.origin, ownerToken);
        await page.getByTestId("viewer").waitFor({ timeout: READY_MS });
        const check = async (name: string) => {
          const findings = await seriousAxeFindings(page);
          if (findings.length) problems.push(`${name} (${where}):\n${describeFindings(findings)}`);
        };
        for (const { name, path, ready } of SIGNED_IN_PAGES) {
          await page.goto(`${rollcall.origin}${path}`);
          await page.locator(ready).first().waitFor({ timeout: READY_MS });
          await check(name);
        }
        // The drawer, open.
        await page.goto(`${rollcall.origin}/`);
        await page.locator(`[data-testid="user-row"][data-user-id="${user.id}"]`).click();
        const drawer = page.getByTestId("user-drawer");
        await drawer.waitFor({ timeout: READY_MS });
        await eventually(
          async () => expect(await drawer.textContent()).toContain("Open tabs and devices"),
          READY_MS,
        );
        await check("user drawer");
        // Pages without a session.
        for (const [name, path, ready] of [
          ["expired link", `/embed?token=${expired}`, '[data-testid="embed-failed"]'],
          ["signed out", "/signed-out", '[data-testid="signed-out"]'],
          ["sign-in", "/login", '[data-testid="login-email"]'],
        ] as const) {
          const other = await (
            await contexts.create({ viewport, colorScheme, bypassCSP: true })
          ).newPage();
          await other.goto(`${rollcall.origin}${path}`);
          await other.locator(ready).waitFor({ timeout: READY_MS });
          const findings = await seriousAxeFindings(other);
          if (findings.length) problems.push(`${name} (${where}):\n${describeFindings(findings)}`);
        }
      }
      expect(problems.join("\n\n")).toBe("");
    }, 300_000);
  }
});
