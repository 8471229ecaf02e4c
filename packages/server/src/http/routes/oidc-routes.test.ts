// Single sign-on's settings and its edges without a browser (the browser flow: e2e/single-sign-on).
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../config/config.js";
import { startTestRollcall } from "../../testing/test-rollcall.js";

const SSO = {
  ROLLCALL_PUBLIC_URL: "http://127.0.0.1:8740",
  ROLLCALL_OIDC_ISSUER: "http://127.0.0.1:9/",
  ROLLCALL_OIDC_CLIENT_ID: "rollcall",
  ROLLCALL_OIDC_ALLOWED_DOMAINS: "acme.example",
};

describe("single sign-on settings", () => {
  it("need a client id, a public address and who may sign in", () => {
    expect(() => loadConfig({ ROLLCALL_OIDC_ISSUER: "https://id.example" })).toThrow(
      /ROLLCALL_OIDC_CLIENT_ID[\s\S]*ROLLCALL_PUBLIC_URL[\s\S]*who may sign in/,
    );
    expect(() => loadConfig({ ...SSO, ROLLCALL_PUBLIC_URL: "http://x/rollcall" })).toThrow(
      ConfigError,
    );
    const config = loadConfig({ ...SSO, ROLLCALL_OIDC_ALLOWED_DOMAINS: "Acme.Example, b.example" });
    expect(config.signIn.oidc?.allowedDomains).toEqual(["acme.example", "b.example"]);
    expect(config.signIn.isPasswordSignInOn).toBe(true);
    expect(loadConfig({}).signIn).toEqual({ oidc: null, isPasswordSignInOn: true });
  });
});

describe("single sign-on routes", () => {
  it("tell the login page the ways in, and send a browser back to it when the provider is down", async () => {
    const rollcall = await startTestRollcall(SSO);
    try {
      const methods = await fetch(`${rollcall.url}/api/v1/auth/methods`);
      expect(await methods.json()).toEqual({
        password: true,
        oidc: { name: "single sign-on", start: "/auth/oidc/start" },
      });
      const start = await fetch(`${rollcall.url}/auth/oidc/start?next=/analytics`, {
        redirect: "manual",
      });
      expect(start.status).toBe(302);
      expect(start.headers.get("location")).toBe("/login?sso=unavailable");
      // A callback nobody started, and one with a cookie that is not ours: no session.
      for (const cookie of [undefined, "rollcall_oidc=%%%not-base64", "rollcall_oidc=e30"]) {
        const callback = await fetch(`${rollcall.url}/auth/oidc/callback?code=c&state=s`, {
          redirect: "manual",
          headers: cookie ? { cookie } : {},
        });
        expect(callback.headers.get("location")).toBe("/login?sso=expired");
        expect(callback.headers.get("set-cookie")).not.toContain("rollcall_session=");
      }
    } finally {
      await rollcall.stop();
    }
  });

  it("count every start and callback against the address's sign-in budget, then refuse with 429", async () => {
    const rollcall = await startTestRollcall(SSO);
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) {
        const path = i % 2 === 0 ? "/auth/oidc/start" : "/auth/oidc/callback?code=c&state=s";
        statuses.push((await fetch(`${rollcall.url}${path}`, { redirect: "manual" })).status);
      }
      expect(statuses.slice(0, 10)).toEqual(Array(10).fill(302));
      expect(statuses.slice(10)).toEqual([429, 429]);
      // The password form shares the budget: no fresh attempts through it either.
      const login = await fetch(`${rollcall.url}/api/v1/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-rollcall-csrf": "1" },
        body: JSON.stringify({ email: "a@b.c", password: "x" }),
      });
      expect(login.status).toBe(429);
    } finally {
      await rollcall.stop();
    }
  });

  it("answer no single sign-on when none is set", async () => {
    const rollcall = await startTestRollcall({ ROLLCALL_PASSWORD_SIGN_IN: "false" });
    try {
      const methods = await fetch(`${rollcall.url}/api/v1/auth/methods`);
      expect(await methods.json()).toEqual({ password: false, oidc: null });
      const start = await fetch(`${rollcall.url}/auth/oidc/start`, { redirect: "manual" });
      expect(start.status).toBe(404);
    } finally {
      await rollcall.stop();
    }
  });
});
