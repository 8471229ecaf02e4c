// Session cookies from /embed and the login page under each ROLLCALL_COOKIE_SAMESITE, and CSRF with them.
import { WIRE_LIMITS } from "@rollcall/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signViewerToken } from "../../auth/token-signer.js";
import { startTestRollcall, TEST_SECRET, type TestRollcall } from "../../testing/test-rollcall.js";

/** The request a cross-site iframe on the host platform makes through the HTTPS proxy. */
const viaHttpsProxy = { "x-forwarded-proto": "https", "x-forwarded-for": "203.0.113.7" };

async function embed(rollcall: TestRollcall, headers: Record<string, string> = {}) {
  const response = await fetch(`${rollcall.url}/embed?token=${await rollcall.viewerToken()}`, {
    redirect: "manual",
    headers,
  });
  expect(response.status).toBe(302);
  const setCookie = response.headers.get("set-cookie") ?? "";
  return { setCookie, cookie: setCookie.split(";")[0]! };
}

describe("session cookie, default settings (lax)", () => {
  let rollcall: TestRollcall;
  beforeAll(async () => {
    rollcall = await startTestRollcall();
  });
  afterAll(async () => {
    await rollcall.stop();
  });

  it("/embed sets an httpOnly SameSite=Lax cookie, not Secure over plain HTTP", async () => {
    const { setCookie } = await embed(rollcall);
    expect(setCookie).toMatch(/^rollcall_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Lax;/);
    expect(setCookie).not.toMatch(/Secure|Partitioned/);
  });

  it("/embed answers a browser whose link expired with the dashboard page naming the failure", async () => {
    const token = await signViewerToken(
      { sub: "late", role: "admin" },
      { secret: TEST_SECRET, ttlSeconds: 60, now: Date.now() - 120_000 },
    );
    const response = await fetch(`${rollcall.url}/embed?token=${token}`, {
      redirect: "manual",
      headers: { accept: "text/html,application/xhtml+xml,*/*;q=0.8" },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect(response.headers.get("set-cookie")).toBeNull();
    expect(await response.text()).toContain(
      '<meta name="rollcall-failure" content="token_expired" />',
    );
    // Without text/html in Accept (a script, curl's */*): the JSON error.
    const api = await fetch(`${rollcall.url}/embed?token=${token}`, { redirect: "manual" });
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe("token_expired");
  });

  it("/embed refuses a token over the token length limit, naming the field", async () => {
    const token = "a".repeat(WIRE_LIMITS.tokenLength + 1);
    const response = await fetch(`${rollcall.url}/embed?token=${token}`, { redirect: "manual" });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: {
        code: "bad_request",
        message: `query.token: at most ${WIRE_LIMITS.tokenLength} characters`,
      },
    });
  });

  it("does not believe a forged X-Forwarded-Proto without ROLLCALL_TRUST_PROXY", async () => {
    expect((await embed(rollcall, viaHttpsProxy)).setCookie).not.toMatch(/Secure/);
  });
});

describe("session cookie with ROLLCALL_COOKIE_SAMESITE=none behind an HTTPS proxy", () => {
  let rollcall: TestRollcall;
  beforeAll(async () => {
    rollcall = await startTestRollcall({
      ROLLCALL_COOKIE_SAMESITE: "none",
      ROLLCALL_TRUST_PROXY: "true",
    });
  });
  afterAll(async () => {
    await rollcall.stop();
  });

  it("/embed sets SameSite=None; Secure; Partitioned, and the cookie signs the viewer in", async () => {
    const { setCookie, cookie } = await embed(rollcall, viaHttpsProxy);
    expect(setCookie.split("; ").slice(1)).toEqual([
      "Path=/",
      "HttpOnly",
      "SameSite=None",
      "Max-Age=28800",
      "Secure",
      "Partitioned",
    ]);
    const me = await fetch(`${rollcall.url}/api/v1/me`, { headers: { cookie } });
    expect(me.status).toBe(200);
  });

  it("stays Secure even when the proxy says the request was plain HTTP", async () => {
    const { setCookie } = await embed(rollcall, { "x-forwarded-proto": "http" });
    expect(setCookie).toMatch(/SameSite=None; Max-Age=28800; Secure; Partitioned$/);
  });

  it("still refuses a state change made with the cookie but without the CSRF header", async () => {
    const { cookie } = await embed(rollcall, viaHttpsProxy);
    const forged = await fetch(`${rollcall.url}/api/v1/auth/logout`, {
      method: "POST",
      headers: { ...viaHttpsProxy, cookie, origin: "https://evil.example" },
    });
    expect(forged.status).toBe(403);
    expect(((await forged.json()) as { error: { code: string } }).error.code).toBe("csrf");
    // The header needs a CORS preflight from another site, and none is granted with credentials.
    const preflight = await fetch(`${rollcall.url}/api/v1/auth/logout`, {
      method: "OPTIONS",
      headers: {
        origin: "https://evil.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "x-rollcall-csrf",
      },
    });
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
    expect(preflight.headers.get("access-control-allow-credentials")).toBeNull();

    const logout = await fetch(`${rollcall.url}/api/v1/auth/logout`, {
      method: "POST",
      headers: { ...viaHttpsProxy, cookie, "x-rollcall-csrf": "1" },
    });
    expect(logout.status).toBe(204);
    expect(logout.headers.get("set-cookie")).toBe(
      "rollcall_session=; Path=/; HttpOnly; SameSite=None; Max-Age=0; Secure; Partitioned",
    );
    expect((await fetch(`${rollcall.url}/api/v1/me`, { headers: { cookie } })).status).toBe(401);
  });
});

describe("viewer session age, with the clock driven by hand", () => {
  let rollcall: TestRollcall;
  let now = Date.now();
  beforeAll(async () => {
    rollcall = await startTestRollcall(
      { ROLLCALL_VIEWER_SESSION_SECONDS: "600" },
      undefined,
      () => now,
    );
  });
  afterAll(async () => {
    await rollcall.stop();
  });

  it("a viewer token valid for 2 s gives a session of ROLLCALL_VIEWER_SESSION_SECONDS, no longer", async () => {
    const token = await signViewerToken(
      { sub: "ann", role: "admin" },
      { secret: TEST_SECRET, ttlSeconds: 2, now },
    );
    const response = await fetch(`${rollcall.url}/embed?token=${token}`, { redirect: "manual" });
    const setCookie = response.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/; Max-Age=600(;|$)/);
    const cookie = setCookie.split(";")[0]!;
    const status = async () =>
      (await fetch(`${rollcall.url}/api/v1/me`, { headers: { cookie } })).status;
    now += 599_000;
    expect(await status()).toBe(200);
    now += 1_000;
    expect(await status()).toBe(401);
  });

  it("a viewer token that lives longer than ROLLCALL_MAX_TOKEN_SECONDS gives no session", async () => {
    const token = await signViewerToken(
      { sub: "ann", role: "admin" },
      { secret: TEST_SECRET, ttlSeconds: 86_401, now },
    );
    const response = await fetch(`${rollcall.url}/embed?token=${token}`, { redirect: "manual" });
    expect(response.status).toBe(401);
    expect(response.headers.get("set-cookie")).toBeNull();
    expect(await response.json()).toMatchObject({
      error: { code: "token_invalid", message: expect.stringContaining("86400 s") },
    });
  });
});
