// Operators sign in through their identity provider: a real OpenID Connect provider
// (oidc-provider) on this machine, Rollcall started with single sign-on and the password form off.
import type { Server } from "node:http";
import Provider from "oidc-provider";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserSkipReason, ContextPool, launchChromium, suiteName } from "./support/browser.js";
import { eventually } from "./support/eventually.js";
import { freePort, type RollcallServer, startRollcall } from "./support/rollcall-server.js";

const READY_MS = 30_000;

/** The identity provider's people: an owner by group, an admin by email domain, an outsider. */
const ACCOUNTS: Record<string, Record<string, unknown>> = {
  ada: {
    email: "ada@acme.example",
    email_verified: true,
    name: "Ada Owner",
    groups: ["rollcall-owners"],
  },
  bob: { email: "bob@acme.example", email_verified: true, name: "Bob Admin", groups: [] },
  mallory: {
    email: "mallory@elsewhere.example",
    email_verified: true,
    name: "Mallory",
    groups: [],
  },
};

describe.skipIf(browserSkipReason !== null)(suiteName("single sign-on"), () => {
  let rollcall: RollcallServer;
  let idp: Server;
  let contexts: ContextPool;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const browser = await launchChromium();
    contexts = new ContextPool(() => browser);
    const [port, idpPort] = [await freePort(), await freePort()];
    const issuer = `http://127.0.0.1:${idpPort}`;
    const provider = new Provider(issuer, {
      clients: [
        {
          client_id: "rollcall",
          client_secret: "a-client-secret-for-the-test",
          redirect_uris: [`http://127.0.0.1:${port}/auth/oidc/callback`],
          grant_types: ["authorization_code"],
          response_types: ["code"],
        },
      ],
      claims: {
        email: ["email", "email_verified"],
        profile: ["name"],
        groups: ["groups"],
      },
      scopes: ["openid", "email", "profile", "groups"],
      findAccount: async (_ctx, id) =>
        ACCOUNTS[id]
          ? { accountId: id, claims: async () => ({ sub: id, ...ACCOUNTS[id] }) }
          : undefined,
      cookies: { keys: ["a-cookie-key-for-the-test"] },
    });
    idp = provider.listen(idpPort, "127.0.0.1");
    rollcall = await startRollcall(
      {
        ROLLCALL_PUBLIC_URL: `http://127.0.0.1:${port}`,
        ROLLCALL_OIDC_ISSUER: issuer,
        ROLLCALL_OIDC_CLIENT_ID: "rollcall",
        ROLLCALL_OIDC_CLIENT_SECRET: "a-client-secret-for-the-test",
        ROLLCALL_OIDC_NAME: "Acme ID",
        ROLLCALL_OIDC_SCOPES: "openid email profile groups",
        ROLLCALL_OIDC_ALLOWED_DOMAINS: "acme.example",
        ROLLCALL_OIDC_OWNER_GROUPS: "rollcall-owners",
        ROLLCALL_PASSWORD_SIGN_IN: "false",
      },
      port,
    );
    close = async () => {
      await contexts.closeAll();
      await browser.close();
      await rollcall.stop();
      await new Promise((resolve) => idp.close(resolve));
    };
  }, 120_000);

  afterAll(async () => {
    await close?.();
  });

  /** A fresh browser at Rollcall's login page, through the provider's login and consent as `login`. */
  async function signInAs(login: string): Promise<Page> {
    const context = await contexts.create();
    // The provider's pages import a web font: nothing leaves this machine.
    await context.route(/fonts\.googleapis\.com/, (route) => route.abort());
    const page = await context.newPage();
    await page.goto(`${rollcall.origin}/login`);
    await page.getByTestId("login-sso").click({ timeout: READY_MS });
    await page.locator('input[name="login"]').fill(login, { timeout: READY_MS });
    await page.locator('input[name="password"]').fill("any password");
    await page.getByRole("button", { name: "Sign-in" }).click();
    await page.getByRole("button", { name: "Continue" }).click({ timeout: READY_MS });
    return page;
  }

  it("offers only single sign-on when the password form is off, and refuses a password", async () => {
    const context = await contexts.create();
    const page = await context.newPage();
    await page.goto(`${rollcall.origin}/login`);
    await expect
      .poll(() => page.getByTestId("login-sso").textContent(), { timeout: READY_MS })
      .toBe("Sign in with Acme ID");
    expect(await page.getByTestId("login-email").count()).toBe(0);
    const login = await fetch(`${rollcall.origin}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-rollcall-csrf": "1" },
      body: JSON.stringify({ email: "ada@acme.example", password: "whatever" }),
    });
    expect(login.status).toBe(403);
  });

  it("signs an owner in by group and an admin by email domain, each with their name", async () => {
    const owner = await signInAs("ada");
    await eventually(
      async () => expect(await owner.getByTestId("viewer").textContent()).toContain("Ada Owner"),
      READY_MS,
    );
    const me = await owner.evaluate(async () => (await fetch("/api/v1/me")).json());
    expect(me).toMatchObject({ viewer: { id: "ada@acme.example", role: "owner", apps: null } });

    const admin = await signInAs("bob");
    const bob = await admin.evaluate(async () => (await fetch("/api/v1/me")).json());
    expect(bob).toMatchObject({ viewer: { id: "bob@acme.example", role: "admin" } });
  });

  it("refuses someone the settings do not let in, on the login page, with no session", async () => {
    const page = await signInAs("mallory");
    await page.waitForURL(/\/login\?sso=refused/, { timeout: READY_MS });
    expect(await page.getByTestId("login-error").textContent()).toContain(
      "not allowed into Rollcall",
    );
    const me = await page.evaluate(async () => (await fetch("/api/v1/me")).status);
    expect(me).toBe(401);
  });

  it("refuses a callback whose state is not the one this browser started with", async () => {
    const context = await contexts.create();
    await context.route(/fonts\.googleapis\.com/, (route) => route.abort());
    const page = await context.newPage();
    await page.goto(`${rollcall.origin}/login`);
    await page.getByTestId("login-sso").click({ timeout: READY_MS });
    await page.locator('input[name="login"]').waitFor({ timeout: READY_MS });
    // Back at Rollcall with a code and a state someone else made.
    await page.goto(`${rollcall.origin}/auth/oidc/callback?code=forged&state=not-the-state`);
    await page.waitForURL(/\/login\?sso=failed/, { timeout: READY_MS });
    expect(await page.getByTestId("login-error").textContent()).toContain("could not be completed");
    // And with no sign-in started in this browser at all.
    const fresh = await (await contexts.create()).newPage();
    await fresh.goto(`${rollcall.origin}/auth/oidc/callback?code=forged&state=x`);
    await fresh.waitForURL(/\/login\?sso=expired/, { timeout: READY_MS });
    expect(await fresh.evaluate(async () => (await fetch("/api/v1/me")).status)).toBe(401);
  });
});
