// Share links over HTTP: who may make, list and revoke them, and what a token's holder can read.
import { SHARE_AUDIENCE } from "@rollcall/protocol";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestRollcall, TEST_SECRET, type TestRollcall } from "../../testing/test-rollcall.js";
import { SHARE_REQUESTS_PER_MINUTE } from "./share-routes.js";

const DAY = 86_400_000;
let now = Date.UTC(2026, 10, 23, 9, 0, 0);
let rollcall: TestRollcall;
let owner: string;
let instructor: string;

beforeAll(async () => {
  rollcall = await startTestRollcall({}, undefined, () => now);
  owner = await rollcall.viewerToken("owner");
  instructor = await rollcall.viewerToken("instructor", ["math"]);
  await call("PUT", "/api/v1/users/ada", TEST_SECRET, { name: "Ada Lovelace", email: "ada@x.io" });
  await call("POST", "/api/v1/events", TEST_SECRET, {
    events: [
      { id: "m1", user: "ada", name: "message", app: "math", ts: new Date(now - 3_600_000) },
      { id: "e1", user: "ada", name: "message", app: "essay", ts: new Date(now - 3_600_000) },
    ],
  });
});
afterAll(async () => {
  await rollcall.stop();
});

async function call(
  method: string,
  path: string,
  token: string | null,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${rollcall.url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const type = response.headers.get("content-type") ?? "";
  return {
    status: response.status,
    headers: response.headers,
    text,
    json: type.includes("json") ? JSON.parse(text) : null,
  };
}

const inDays = (days: number) => new Date(now + days * DAY).toISOString();

async function makeLink(
  app: string,
  parts: Record<string, unknown> = {},
  by = owner,
): Promise<{ id: string; token: string; path: string; includeTable: boolean }> {
  const made = await call("POST", `/api/v1/apps/${app}/share-links`, by, {
    range: "7d",
    tz: "Asia/Kathmandu",
    expiresAt: inDays(7),
    ...parts,
  });
  expect(made.status, made.text).toBe(201);
  return { ...made.json, token: made.json.path.replace("/share/", "") };
}

describe("making and managing share links", () => {
  it("an owner makes a link, sees it listed, and revokes it", async () => {
    const link = await makeLink("math", { label: "For the board" });
    expect(link).toMatchObject({
      app: "math",
      range: "7d",
      tz: "Asia/Kathmandu",
      includeTable: false,
      label: "For the board",
      expiresAt: inDays(7),
      createdBy: { id: "viewer-owner" },
    });
    const listed = await call("GET", "/api/v1/apps/math/share-links", owner);
    expect(listed.json.links.map((l: { id: string }) => l.id)).toContain(link.id);
    // The same link keeps the same address.
    expect(listed.json.links.find((l: { id: string }) => l.id === link.id).path).toBe(link.path);
    expect((await call("DELETE", `/api/v1/apps/math/share-links/${link.id}`, owner)).status).toBe(
      204,
    );
    const after = await call("GET", "/api/v1/apps/math/share-links", owner);
    expect(after.json.links.map((l: { id: string }) => l.id)).not.toContain(link.id);
    const again = await call("DELETE", `/api/v1/apps/math/share-links/${link.id}`, owner);
    expect(again.json.error.code).toBe("not_found");
  });

  it("an instructor shares their own apps only, never the whole platform", async () => {
    await makeLink("math", {}, instructor);
    const essay = await call("POST", "/api/v1/apps/essay/share-links", instructor, {
      range: "7d",
      tz: "UTC",
      expiresAt: inDays(1),
    });
    expect([essay.status, essay.json.error.code]).toEqual([403, "forbidden"]);
    expect((await call("GET", "/api/v1/apps/_all/share-links", instructor)).status).toBe(403);
    expect((await call("GET", "/api/v1/apps/essay/share-links", instructor)).status).toBe(403);
    const admin = await rollcall.viewerToken("admin");
    expect((await call("GET", "/api/v1/apps/essay/share-links", admin)).status).toBe(200);
  });

  it("refuses callers without a viewer: nobody, a user token, a share token", async () => {
    const link = await makeLink("math");
    const user = await rollcall.userToken("ada");
    for (const token of [null, user, link.token]) {
      expect((await call("GET", "/api/v1/apps/math/share-links", token)).status).toBe(401);
      const made = await call("POST", "/api/v1/apps/math/share-links", token, {
        range: "7d",
        tz: "UTC",
        expiresAt: inDays(1),
      });
      expect(made.status).toBe(401);
    }
  });

  it("bounds the request: expiry, range, zone, label, unknown fields and apps", async () => {
    const bad = async (app: string, parts: Record<string, unknown>) => {
      const made = await call("POST", `/api/v1/apps/${app}/share-links`, owner, {
        range: "7d",
        tz: "UTC",
        expiresAt: inDays(1),
        ...parts,
      });
      return [made.status, made.json.error.code, made.json.error.message];
    };
    expect(await bad("math", { expiresAt: inDays(91) })).toEqual([
      400,
      "invalid_body",
      "body.expiresAt: must be between 5 minutes and 90 days from now",
    ]);
    expect((await bad("math", { expiresAt: new Date(now + 60_000).toISOString() }))[0]).toBe(400);
    expect((await bad("math", { expiresAt: "tomorrow" }))[2]).toMatch(/^expiresAt: /);
    expect((await bad("math", { tz: "Mars/Olympus" }))[2]).toMatch(/^body\.tz: /);
    expect((await bad("math", { range: "custom" }))[2]).toMatch(/^body\.from: /);
    expect((await bad("math", { label: "x".repeat(121) }))[2]).toMatch(/^label: /);
    expect((await bad("math", { admin: true }))[1]).toBe("invalid_body");
    expect(await bad("never-seen", {})).toEqual([
      404,
      "unknown_app",
      'no activity was ever seen in app "never-seen"',
    ]);
    const huge = await call("POST", "/api/v1/apps/math/share-links", owner, {
      label: "x".repeat(5_000),
    });
    expect(huge.json.error.code).toBe("payload_too_large");
  });
});

describe("what a link's holder can read", () => {
  it("the report's summary, chart and heatmap for the link's own range and zone, without a session", async () => {
    const link = await makeLink("math", { range: "today" });
    const report = await call("GET", `/api/v1/share/${link.token}`, null);
    expect(report.json).toEqual({
      app: "math",
      range: "today",
      from: null,
      to: null,
      tz: "Asia/Kathmandu",
      includeTable: false,
      label: null,
      expiresAt: inDays(7),
    });
    expect(report.headers.get("x-robots-tag")).toBe("noindex, nofollow");
    const summary = await call("GET", `/api/v1/share/${link.token}/summary`, null);
    expect(summary.json).toMatchObject({ totalRegistered: 1, activeInRange: 1 });
    // The range is the link's: a query asking for another is not heard.
    const chart = await call("GET", `/api/v1/share/${link.token}/active-over-time?range=30d`, null);
    expect(chart.json.bucket).toBe("hour");
    expect(chart.json.points[0].start).toMatch(/\+05:45$/);
    const heatmap = await call("GET", `/api/v1/share/${link.token}/heatmap`, null);
    expect(heatmap.json.cells).toHaveLength(168);
  });

  it("no user table, names or emails unless the link includes the table", async () => {
    const closed = await makeLink("math");
    const refused = await call("GET", `/api/v1/share/${closed.token}/table`, null);
    expect([refused.status, refused.json.error.code]).toEqual([403, "forbidden"]);
    const csv = await call("GET", `/api/v1/share/${closed.token}/table?format=csv`, null);
    expect(csv.status).toBe(403);

    const open = await makeLink("math", { includeTable: true, range: "30d" });
    const table = await call("GET", `/api/v1/share/${open.token}/table`, null);
    expect(table.json.users).toMatchObject([{ name: "Ada Lovelace", email: "ada@x.io" }]);
    const file = await call("GET", `/api/v1/share/${open.token}/table?format=csv`, null);
    expect(file.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(file.text).toContain("ada@x.io");
  });

  it("a share token opens nothing else: not the API as a viewer, not another app", async () => {
    const link = await makeLink("math", { includeTable: true });
    for (const path of [
      "/api/v1/presence",
      "/api/v1/apps",
      "/api/v1/me",
      "/api/v1/apps/math/analytics/users/summary",
      "/api/v1/apps/essay/analytics/users/table",
    ]) {
      expect((await call("GET", path, link.token)).status, path).toBe(401);
    }
    const viewerPath = `/api/v1/share/${link.token}/../../apps/essay/analytics/users/table`;
    expect((await call("GET", viewerPath, null)).status).toBe(401);
  });

  it("a revoked link is refused at once, as JSON and as a page", async () => {
    const link = await makeLink("math");
    await call("DELETE", `/api/v1/apps/math/share-links/${link.id}`, owner);
    for (const path of ["", "/summary", "/heatmap"]) {
      const answer = await call("GET", `/api/v1/share/${link.token}${path}`, null);
      expect([answer.status, answer.json.error.code]).toEqual([410, "share_link_revoked"]);
    }
    const page = await call("GET", link.path, null, undefined, { accept: "text/html" });
    expect(page.status).toBe(410);
    expect(page.text).toContain('<meta name="rollcall-failure" content="share_link_revoked" />');
  });

  it("an expired link is refused once its time has passed", async () => {
    const link = await makeLink("math", { expiresAt: new Date(now + 3_600_000).toISOString() });
    expect((await call("GET", `/api/v1/share/${link.token}`, null)).status).toBe(200);
    const before = now;
    now += 3_600_000;
    try {
      const answer = await call("GET", `/api/v1/share/${link.token}/summary`, null);
      expect([answer.status, answer.json.error.code]).toEqual([410, "share_link_expired"]);
      const page = await call("GET", link.path, null, undefined, { accept: "text/html" });
      expect(page.text).toContain('content="share_link_expired"');
    } finally {
      now = before;
    }
  });

  it("forged, altered, foreign and oversized tokens are one clear 404", async () => {
    const link = await makeLink("math");
    const sign = (secret: string, claims: Record<string, unknown>, audience = SHARE_AUDIENCE) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: "HS256" })
        .setAudience(audience)
        .setSubject(link.id)
        .setExpirationTime(Math.floor(now / 1000) + 3_600)
        .sign(new TextEncoder().encode(secret));
    const [head, body, signature] = link.token.split(".");
    const tokens = [
      await sign("not-the-secret-0000000000", { plat: "default" }),
      await sign(TEST_SECRET, { plat: "default" }, "rollcall:view"),
      await sign(TEST_SECRET, { plat: "elsewhere" }),
      await rollcall.viewerToken("owner"),
      `${head}.${body}.${signature!.slice(0, -2)}AA`,
      `${head}.${body}x.${signature}`,
      "not-a-token",
      `${head}.${"a".repeat(2_000)}.${signature}`,
    ];
    for (const token of tokens) {
      const answer = await call("GET", `/api/v1/share/${token}/summary`, null);
      expect([answer.status, answer.json?.error.code], token).toEqual([404, "share_link_invalid"]);
    }
    // Signed by this Rollcall for a link that does not exist.
    const unknown = await new SignJWT({ plat: "default" })
      .setProtectedHeader({ alg: "HS256" })
      .setAudience(SHARE_AUDIENCE)
      .setSubject("AAAAAAAAAAAAAAAAAAAAAA")
      .setExpirationTime(Math.floor(now / 1000) + 3_600)
      .sign(new TextEncoder().encode(TEST_SECRET));
    expect((await call("GET", `/api/v1/share/${unknown}`, null)).json.error.code).toBe(
      "share_link_invalid",
    );
  });

  it("rotating the platform secret keeps a link while both are valid, and ends it once the old is dropped", async () => {
    const link = await makeLink("math");
    const rotate = async (secrets: string[]) => {
      await rollcall.storage.setPlatformSecrets("default", secrets);
      rollcall.platforms.forget("default");
    };
    try {
      await rotate([TEST_SECRET, "the-next-secret-0123456789"]);
      expect((await call("GET", `/api/v1/share/${link.token}`, null)).status).toBe(200);
      // Listed again, the link is signed with the newest secret.
      const listed = await call("GET", "/api/v1/apps/math/share-links", owner);
      const fresh = listed.json.links.find((l: { id: string }) => l.id === link.id).path;
      expect(fresh).not.toBe(link.path);
      await rotate(["the-next-secret-0123456789"]);
      const old = await call("GET", `/api/v1/share/${link.token}`, null);
      expect([old.status, old.json.error.code]).toEqual([404, "share_link_invalid"]);
      expect((await call("GET", `/api/v1${fresh}`, null)).status).toBe(200);
    } finally {
      await rotate([TEST_SECRET]);
    }
  });

  it("bounds the requests one address makes for shared reports, valid or forged, then lets it in again", async () => {
    const link = await makeLink("math");
    now += 61_000; // a fresh minute: the tests before counted too
    const forged = `${link.token.slice(0, -4)}AAAA`;
    for (let i = 0; i < SHARE_REQUESTS_PER_MINUTE; i++) {
      const answer = await call("GET", `/api/v1/share/${i % 2 ? link.token : forged}`, null);
      expect(answer.status, `request ${i + 1}`).toBe(i % 2 ? 200 : 404);
    }
    const refused = await call("GET", `/api/v1/share/${link.token}/summary`, null);
    expect([refused.status, refused.json.error.code]).toEqual([429, "rate_limited"]);
    expect(refused.json.error.message).toMatch(/try again in \d+ s/);
    expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
    // As a page, a page that says so.
    const page = await call("GET", `/share/${link.token}`, null, undefined, {
      accept: "text/html",
    });
    expect(page.status).toBe(429);
    expect(page.text).toContain("rate_limited");
    // Another address is not held up: the owner's own API is not counted either.
    expect((await call("GET", "/api/v1/apps/math/share-links", owner)).status).toBe(200);
    now += 60_000;
    expect((await call("GET", `/api/v1/share/${link.token}`, null)).status).toBe(200);
  });
});
