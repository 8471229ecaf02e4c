// Who may and who may not, route by route: every viewer-facing and backend route against every kind
// of caller (nobody, a user token, each viewer role, another platform's secret, the platform secret).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signViewerToken } from "../../auth/token-signer.js";
import { startTestRollcall, TEST_SECRET, type TestRollcall } from "../../testing/test-rollcall.js";

let rollcall: TestRollcall;
const callers: Record<string, string | null> = {};

beforeAll(async () => {
  rollcall = await startTestRollcall();
  callers.nobody = null;
  callers.user = await rollcall.userToken("u1");
  callers.owner = await rollcall.viewerToken("owner");
  callers.admin = await rollcall.viewerToken("admin");
  callers.instructor = await rollcall.viewerToken("instructor", ["math"]);
  callers.otherPlatform = await signViewerToken(
    { sub: "x", role: "owner", plat: "elsewhere" },
    { secret: TEST_SECRET, ttlSeconds: 60 },
  );
  callers.forged = await signViewerToken(
    { sub: "x", role: "owner" },
    { secret: "not-the-secret-000", ttlSeconds: 60 },
  );
  callers.secret = TEST_SECRET;
  // A user to read and erase.
  await fetch(`${rollcall.url}/api/v1/users/u1`, {
    method: "PUT",
    headers: { authorization: `Bearer ${TEST_SECRET}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "U" }),
  });
  // Activity in two apps: analytics of an app never seen is a 404 (unknown_app).
  await fetch(`${rollcall.url}/api/v1/events`, {
    method: "POST",
    headers: { authorization: `Bearer ${TEST_SECRET}`, "content-type": "application/json" },
    body: JSON.stringify({
      events: [
        { id: "seen-math", user: "u1", name: "message", app: "math" },
        { id: "seen-essay", user: "u1", name: "message", app: "essay" },
      ],
    }),
  });
});
afterAll(async () => {
  await rollcall.stop();
});

type Expect = Record<string, number>;
const viewerOnly = (instructor: number): Expect => ({
  nobody: 401,
  user: 401,
  owner: 200,
  admin: 200,
  instructor,
  otherPlatform: 401,
  forged: 401,
  secret: 401,
});
const backendOnly = (ok: number): Expect => ({
  nobody: 401,
  user: 401,
  owner: 401,
  admin: 401,
  instructor: 401,
  otherPlatform: 401,
  forged: 401,
  secret: ok,
});

const routes: Array<{ method: string; path: string; body?: unknown; expect: Expect }> = [
  { method: "GET", path: "/api/v1/presence", expect: viewerOnly(403) },
  { method: "GET", path: "/api/v1/presence/users/u1", expect: viewerOnly(403) },
  { method: "GET", path: "/api/v1/me", expect: viewerOnly(200) },
  { method: "GET", path: "/api/v1/apps", expect: viewerOnly(200) },
  { method: "GET", path: "/api/v1/apps/math/analytics/users/summary", expect: viewerOnly(200) },
  { method: "GET", path: "/api/v1/apps/essay/analytics/users/heatmap", expect: viewerOnly(403) },
  { method: "GET", path: "/api/v1/apps/_all/analytics/users/table", expect: viewerOnly(403) },
  { method: "PUT", path: "/api/v1/users/u2", body: { name: "B" }, expect: backendOnly(201) },
  {
    method: "POST",
    path: "/api/v1/users",
    body: { users: [{ id: "u3", name: "C" }] },
    expect: backendOnly(200),
  },
  {
    method: "POST",
    path: "/api/v1/events",
    body: { events: [{ id: "a1", user: "u1", name: "message" }] },
    expect: backendOnly(200),
  },
];

describe("analytics of an app", () => {
  it("is a 404 unknown_app for an app never seen; _all and seen apps answer", async () => {
    const ask = async (app: string) =>
      fetch(`${rollcall.url}/api/v1/apps/${app}/analytics/users/summary?range=7d`, {
        headers: { authorization: `Bearer ${callers.owner}` },
      });
    const unknown = await ask("never-seen");
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe("unknown_app");
    expect((await ask("_all")).status).toBe(200);
    expect((await ask("math")).status).toBe(200);
  });
});

describe("route access", () => {
  for (const route of routes) {
    for (const [caller, status] of Object.entries(route.expect)) {
      it(`${route.method} ${route.path} as ${caller} → ${status}`, async () => {
        const token = callers[caller];
        const response = await fetch(`${rollcall.url}${route.path}`, {
          method: route.method,
          headers: {
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...(route.body ? { "content-type": "application/json" } : {}),
          },
          body: route.body ? JSON.stringify(route.body) : undefined,
        });
        expect(response.status).toBe(status);
        if (status >= 400) {
          const body = (await response.json()) as { error: { code: string } };
          expect(body.error.code).toMatch(/^[a-z_]+$/);
        }
      });
    }
  }

  it("erasing a user is for the platform secret only", async () => {
    for (const caller of ["nobody", "user", "owner", "admin", "instructor"]) {
      const token = callers[caller];
      const response = await fetch(`${rollcall.url}/api/v1/users/u1`, {
        method: "DELETE",
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
      expect(response.status, caller).toBe(401);
    }
    const ok = await fetch(`${rollcall.url}/api/v1/users/u1`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${TEST_SECRET}` },
    });
    expect(ok.status).toBe(204);
  });

  it("refuses an over-long bearer token with 401 naming the limit", async () => {
    const response = await fetch(`${rollcall.url}/api/v1/presence`, {
      headers: { authorization: `Bearer ${"a".repeat(5_000)}` },
    });
    expect(response.status).toBe(401);
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toBe("viewer token is over 4096 characters");
  });

  it("a cookie session may not change state without the CSRF header", async () => {
    const embed = await fetch(`${rollcall.url}/embed?token=${callers.owner}`, {
      redirect: "manual",
    });
    const cookie = (embed.headers.get("set-cookie") ?? "").split(";")[0]!;
    const bare = await fetch(`${rollcall.url}/api/v1/auth/logout`, {
      method: "POST",
      headers: { cookie },
    });
    expect(bare.status).toBe(403);
    const withHeader = await fetch(`${rollcall.url}/api/v1/auth/logout`, {
      method: "POST",
      headers: { cookie, "x-rollcall-csrf": "1" },
    });
    expect(withHeader.status).toBe(204);
  });
});
