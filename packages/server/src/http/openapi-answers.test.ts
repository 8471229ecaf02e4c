// Every answer the API gives in a realistic run, success and error, is described by the OpenAPI
// document: its status is listed for the route, and its JSON body validates against the schema.
import { PROTOCOL_VERSION } from "@rollcall/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "../auth/passwords.js";
import { CSRF_HEADER } from "../auth/viewer-auth.js";
import { DocumentedAnswers } from "../testing/documented-answers.js";
import {
  eventually,
  startTestRollcall,
  TEST_SECRET,
  type TestRollcall,
} from "../testing/test-rollcall.js";
import { openApiDocument } from "./openapi.js";

const WITH_SSO = {
  ROLLCALL_PUBLIC_URL: "http://127.0.0.1:8740",
  ROLLCALL_OIDC_ISSUER: "http://127.0.0.1:9/",
  ROLLCALL_OIDC_CLIENT_ID: "rollcall",
  ROLLCALL_OIDC_ALLOWED_DOMAINS: "acme.example",
};
const OPERATOR = { email: "ops@example.com", password: "correct horse battery" };
const backend = { authorization: `Bearer ${TEST_SECRET}` };
const csrf = { [CSRF_HEADER]: "1" };
const ANALYTICS = ["summary", "active-over-time", "heatmap", "table"];

describe("the API's answers in a realistic run", () => {
  let rollcall: TestRollcall;
  let api: DocumentedAnswers;
  let owner: Record<string, string>;
  let instructor: Record<string, string>;

  beforeAll(async () => {
    rollcall = await startTestRollcall(WITH_SSO);
    api = new DocumentedAnswers(rollcall.url, JSON.parse(JSON.stringify(openApiDocument)));
    owner = { authorization: `Bearer ${await rollcall.viewerToken("owner")}` };
    instructor = {
      authorization: `Bearer ${await rollcall.viewerToken("instructor", ["math"])}`,
    };
    await rollcall.storage.createOperator({
      email: OPERATOR.email,
      name: "Ops",
      passwordHash: await hashPassword(OPERATOR.password),
      createdAt: Date.now(),
    });
  });
  afterAll(async () => {
    await rollcall.stop();
  });

  it("operations: health, readiness and metrics", async () => {
    expect((await api.send("GET", "/healthz")).status).toBe(200);
    await eventually(async () =>
      (await api.send("GET", "/readyz")).status === 200 ? true : undefined,
    );
    expect((await api.send("GET", "/metrics")).status).toBe(200);
  });

  it("the backend upserts users, sends events and erases a user", async () => {
    const ada = { name: "Ada", email: "ada@example.com", role: "Learner" };
    expect(
      (await api.send("PUT", "/api/v1/users/ada", { headers: backend, body: ada })).status,
    ).toBe(201);
    expect(
      (await api.send("PUT", "/api/v1/users/ada", { headers: backend, body: ada })).status,
    ).toBe(200);
    expect(
      (await api.send("PUT", "/api/v1/users/ada", { headers: backend, body: {} })).status,
    ).toBe(400);
    expect((await api.send("PUT", "/api/v1/users/ada", { body: ada })).status).toBe(401);
    const users = {
      users: [
        { id: "bob", name: "Bob" },
        { id: "cy", name: "Cy", role: "Team" },
      ],
    };
    expect(
      (await api.send("POST", "/api/v1/users", { headers: backend, body: users })).status,
    ).toBe(200);
    expect(
      (await api.send("POST", "/api/v1/users", { headers: backend, body: { users: [] } })).status,
    ).toBe(400);
    const events = {
      events: [
        { id: "e1", user: "ada", name: "message", app: "math" },
        {
          id: "e2",
          user: "bob",
          name: "message",
          app: "math",
          ts: new Date(Date.now() - 3_600_000).toISOString(),
          props: { words: 12 },
        },
      ],
    };
    expect(
      (await api.send("POST", "/api/v1/events", { headers: backend, body: events })).status,
    ).toBe(200);
    const future = {
      events: [{ id: "e3", user: "ada", name: "message", ts: "2999-01-01T00:00:00Z" }],
    };
    expect(
      (await api.send("POST", "/api/v1/events", { headers: backend, body: future })).status,
    ).toBe(422);
    expect(
      (
        await api.send("POST", "/api/v1/events", {
          headers: backend,
          body: { events: [{ id: "" }] },
        })
      ).status,
    ).toBe(400);
    expect((await api.send("POST", "/api/v1/events", { body: events })).status).toBe(401);
    expect((await api.send("DELETE", "/api/v1/users/cy", { headers: backend })).status).toBe(204);
    expect((await api.send("DELETE", "/api/v1/users/cy", { headers: backend })).status).toBe(404);
  });

  it("a tracker posts a batch over HTTP", async () => {
    const page = { path: "/lessons/1", title: "Lesson 1", app: "math" };
    const hello = {
      t: "hello",
      v: PROTOCOL_VERSION,
      token: await rollcall.userToken("ada", { name: "Ada" }),
      tab: "tab-ada-0001",
      page,
      visible: true,
      inputAgoMs: 0,
    };
    const messages = [
      { t: "page", page },
      { t: "event", id: "t1", name: "message", ts: Date.now(), app: "math" },
      { t: "event", id: "t2", name: "message", ts: Date.UTC(2999, 0, 1), app: "math" },
    ];
    const batch = await api.send("POST", "/api/v1/track", { body: { hello, messages } });
    expect(batch.status).toBe(200);
    expect(batch.body).toMatchObject({ acks: ["t1"], refused: [{ id: "t2" }] });
    expect((await api.send("POST", "/api/v1/track", { body: { hello: {} } })).status).toBe(400);
    const badToken = { hello: { ...hello, token: "not-a-token" }, messages: [] };
    expect((await api.send("POST", "/api/v1/track", { body: badToken })).status).toBe(401);
  });

  it("viewers read Connected users", async () => {
    expect((await api.send("GET", "/api/v1/me", { headers: owner })).status).toBe(200);
    expect((await api.send("GET", "/api/v1/me")).status).toBe(401);
    expect(
      (await api.send("GET", "/api/v1/presence?sort=name&limit=2", { headers: owner })).status,
    ).toBe(200);
    expect((await api.send("GET", "/api/v1/presence?limit=0", { headers: owner })).status).toBe(
      400,
    );
    expect((await api.send("GET", "/api/v1/presence", { headers: instructor })).status).toBe(403);
    const csv = await api.send("GET", "/api/v1/presence?format=csv&tz=Asia/Kathmandu", {
      headers: owner,
    });
    expect(csv.type).toBe("text/csv");
    await eventually(async () => {
      const detail = await api.send("GET", "/api/v1/presence/users/ada?tz=Europe/Berlin", {
        headers: owner,
      });
      return (detail.body as { connections?: unknown[] }).connections?.length === 1
        ? true
        : undefined;
    });
    expect(
      (await api.send("GET", "/api/v1/presence/users/nobody", { headers: owner })).status,
    ).toBe(404);
    expect(
      (await api.send("GET", "/api/v1/presence/users/ada?tz=Nowhere/City", { headers: owner }))
        .status,
    ).toBe(400);
    expect(
      (await api.send("GET", "/api/v1/presence/users/ada", { headers: instructor })).status,
    ).toBe(403);
    expect((await api.send("GET", "/api/v1/apps", { headers: owner })).status).toBe(200);
    expect((await api.send("GET", "/api/v1/apps", { headers: instructor })).status).toBe(200);
  });

  it("the live stream's snapshot and changes are the events the document describes", async () => {
    const abort = new AbortController();
    const response = await fetch(`${rollcall.url}/api/v1/presence/stream`, {
      headers: owner,
      signal: abort.signal,
    });
    api.record({
      operation: "GET /api/v1/presence/stream",
      status: response.status,
      type: response.headers.get("content-type")?.split(";")[0] ?? null,
      body: "",
    });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    /** The data of the next `name` event on the stream. */
    const next = async (name: string): Promise<unknown> => {
      const event = new RegExp(`event: ${name}\ndata: (.*)\n`);
      for (;;) {
        const found = event.exec(text);
        if (found) {
          text = text.slice(found.index + found[0].length);
          return JSON.parse(found[1]!);
        }
        const { value, done } = await reader.read();
        if (done) throw new Error(`the stream ended before a ${name} event`);
        text += decoder.decode(value, { stream: true });
      }
    };
    try {
      const snapshot = api.validator("#/components/schemas/PresenceSnapshotEvent");
      expect(snapshot(await next("snapshot")), JSON.stringify(snapshot.errors)).toBe(true);
      const dora = { name: "Dora", email: "dora@example.com", role: "Team" };
      await api.send("PUT", "/api/v1/users/dora", { headers: backend, body: dora });
      const change = api.validator("#/components/schemas/PresenceChangeEvent");
      expect(change(await next("change")), JSON.stringify(change.errors)).toBe(true);
    } finally {
      abort.abort();
    }
    expect((await api.send("GET", "/api/v1/presence/stream")).status).toBe(401);
  });

  it("viewers read Users analytics", async () => {
    for (const name of ANALYTICS) {
      for (const app of ["math", "_all"]) {
        const answer = await api.send(
          "GET",
          `/api/v1/apps/${app}/analytics/users/${name}?range=30d&tz=America/New_York`,
          { headers: owner },
        );
        expect(answer.status, `${app} ${name}`).toBe(200);
      }
      const custom = `/api/v1/apps/math/analytics/users/${name}?range=custom&from=2026-01-01&to=2026-01-03`;
      expect((await api.send("GET", custom, { headers: instructor })).status).toBe(200);
      expect(
        (await api.send("GET", `/api/v1/apps/nope/analytics/users/${name}`, { headers: owner }))
          .status,
      ).toBe(404);
      expect(
        (
          await api.send("GET", `/api/v1/apps/math/analytics/users/${name}?range=custom`, {
            headers: owner,
          })
        ).status,
      ).toBe(400);
      expect(
        (
          await api.send("GET", `/api/v1/apps/_all/analytics/users/${name}`, {
            headers: instructor,
          })
        ).status,
      ).toBe(403);
      expect((await api.send("GET", `/api/v1/apps/math/analytics/users/${name}`)).status).toBe(401);
    }
    const table =
      "/api/v1/apps/math/analytics/users/table?members=all&sort=messagesSent&order=desc&minMessages=1";
    expect((await api.send("GET", table, { headers: owner })).body).toMatchObject({ total: 2 });
    expect((await api.send("GET", `${table}&format=csv`, { headers: owner })).type).toBe(
      "text/csv",
    );
    expect((await api.send("GET", `${table}&maxMessages=0`, { headers: owner })).status).toBe(400);
  });

  it("viewers share a report, and a link's holder reads it", async () => {
    const links = "/api/v1/apps/math/share-links";
    const request = {
      range: "custom",
      from: "2026-01-01",
      to: "2026-01-31",
      tz: "Europe/Berlin",
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    };
    const make = async (body: object) => {
      const made = await api.send("POST", links, { headers: owner, body: { ...request, ...body } });
      expect(made.status).toBe(201);
      const { id, path } = made.body as { id: string; path: string };
      return { id, shared: `/api/v1${path}` };
    };
    const withTable = await make({ includeTable: true, label: "For the board" });
    const withoutTable = await make({ range: "7d", from: undefined, to: undefined });
    expect((await api.send("POST", links, { headers: owner, body: {} })).status).toBe(400);
    const nope = "/api/v1/apps/nope/share-links";
    expect((await api.send("POST", nope, { headers: owner, body: request })).status).toBe(404);
    expect((await api.send("POST", links, { body: request })).status).toBe(401);
    const essay = "/api/v1/apps/essay/share-links";
    expect((await api.send("POST", essay, { headers: instructor, body: request })).status).toBe(
      403,
    );
    expect((await api.send("GET", links, { headers: owner })).body).toMatchObject({
      links: [{}, {}],
    });
    expect((await api.send("GET", essay, { headers: instructor })).status).toBe(403);
    expect((await api.send("GET", links)).status).toBe(401);

    for (const name of ["", ...ANALYTICS.map((read) => `/${read}`)]) {
      expect((await api.send("GET", `${withTable.shared}${name}`)).status, name).toBe(200);
    }
    const csv = { headers: { accept: "text/csv" } };
    expect((await api.send("GET", `${withTable.shared}/summary`, csv)).type).toBe("text/csv");
    expect((await api.send("GET", `${withTable.shared}/table?format=csv`)).type).toBe("text/csv");
    expect((await api.send("GET", `${withTable.shared}/summary?format=pdf`)).status).toBe(400);
    expect((await api.send("GET", `${withTable.shared}/table?limit=0`)).status).toBe(400);
    expect((await api.send("GET", `${withoutTable.shared}/table`)).status).toBe(403);
    const forged = `${withTable.shared.slice(0, -4)}AAAA`;
    expect((await api.send("GET", forged)).status).toBe(404);
    expect((await api.send("GET", "/api/v1/share/not-a-token/heatmap")).status).toBe(404);

    const revoke = `${links}/${withoutTable.id}`;
    expect((await api.send("DELETE", revoke, { headers: instructor })).status).toBe(204);
    expect((await api.send("DELETE", revoke, { headers: owner })).status).toBe(404);
    expect((await api.send("DELETE", revoke)).status).toBe(401);
    expect((await api.send("DELETE", `${essay}/x`, { headers: instructor })).status).toBe(403);
    for (const name of ["", ...ANALYTICS.map((read) => `/${read}`)]) {
      expect((await api.send("GET", `${withoutTable.shared}${name}`)).status, name).toBe(410);
    }
  });

  it("people sign in and out", async () => {
    expect((await api.send("GET", "/api/v1/auth/methods")).status).toBe(200);
    const login = (body: unknown, headers = csrf) =>
      fetch(`${rollcall.url}/api/v1/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(body),
      });
    expect((await api.send("POST", "/api/v1/auth/login", { body: OPERATOR })).status).toBe(403);
    const wrong = { ...OPERATOR, password: "wrong password!" };
    expect(
      (await api.send("POST", "/api/v1/auth/login", { headers: csrf, body: wrong })).status,
    ).toBe(401);
    expect(
      (await api.send("POST", "/api/v1/auth/login", { headers: csrf, body: { email: "" } })).status,
    ).toBe(400);
    expect(
      (await api.send("POST", "/api/v1/auth/login", { headers: csrf, body: OPERATOR })).status,
    ).toBe(204);
    const signedIn = await login(OPERATOR);
    const cookie = signedIn.headers.get("set-cookie")!.split(";")[0]!;
    expect((await api.send("GET", "/api/v1/me", { headers: { cookie } })).status).toBe(200);
    expect((await api.send("POST", "/api/v1/auth/logout", { headers: { cookie } })).status).toBe(
      403,
    );
    expect(
      (await api.send("POST", "/api/v1/auth/logout", { headers: { cookie, ...csrf } })).status,
    ).toBe(204);
    expect(
      (await api.send("POST", "/api/v1/auth/logout", { headers: { cookie, ...csrf } })).status,
    ).toBe(401);
    const token = await rollcall.viewerToken("admin");
    expect((await api.send("GET", `/embed?token=${token}&next=/wall`)).status).toBe(302);
    expect((await api.send("GET", "/embed")).status).toBe(400);
    expect((await api.send("GET", "/embed?token=not-a-token")).status).toBe(401);
    expect((await api.send("GET", "/auth/oidc/start?next=/analytics")).status).toBe(302);
    expect((await api.send("GET", "/auth/oidc/callback?code=x&state=y")).status).toBe(302);
  });

  it("would catch a body off its schema and a status the route does not list", () => {
    const checker = new DocumentedAnswers(
      rollcall.url,
      JSON.parse(JSON.stringify(openApiDocument)),
    );
    const apps = { operation: "GET /api/v1/apps", type: "application/json" };
    checker.record({ ...apps, status: 200, body: { apps: [], canSeeAll: true, extra: 1 } });
    checker.record({ ...apps, status: 200, body: { apps: [{ id: "a" }], canSeeAll: true } });
    checker.record({ ...apps, status: 404, body: { error: { code: "not_found", message: "" } } });
    checker.record({ ...apps, status: 401, body: { error: { code: "csrf", message: "" } } });
    expect(checker.failures()).toEqual([
      expect.stringMatching(/^GET \/api\/v1\/apps 200: body must NOT have additional properties/),
      expect.stringMatching(
        /^GET \/api\/v1\/apps 200: body\/apps\/0 must have required property 'name'/,
      ),
      expect.stringMatching(/^GET \/api\/v1\/apps 404: status not documented/),
      expect.stringMatching(
        /^GET \/api\/v1\/apps 401: body\/error\/code must be equal to one of the allowed values/,
      ),
    ]);
  });

  it("every answer is described by the document, and every operation was called", () => {
    expect(api.failures()).toEqual([]);
    const answered = new Set(api.answers.filter((a) => a.status < 400).map((a) => a.operation));
    const operations = Object.entries(openApiDocument.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    // The tracker socket's upgrade is not an HTTP answer (the socket tests speak it).
    const missing = operations.filter((op) => !answered.has(op) && !op.endsWith("/track/ws"));
    expect(missing).toEqual([]);
  });
});
