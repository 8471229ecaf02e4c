// The API description tells the truth: every route with the errors it can give, and the body limits enforced.
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TRACKER_SOCKET_PATH } from "../ingest/tracker-socket.js";
import { startTestRollcall, TEST_SECRET, type TestRollcall } from "../testing/test-rollcall.js";
import { openApiDocument } from "./openapi.js";
import { formatBytes } from "./openapi-errors.js";
import { type Handler, Router } from "./router.js";
import { addAnalyticsRoutes } from "./routes/analytics-routes.js";
import { addAuthRoutes } from "./routes/auth-routes.js";
import { addBackendRoutes } from "./routes/backend-routes.js";
import { addOidcRoutes } from "./routes/oidc-routes.js";
import { addOperationsRoutes } from "./routes/operations-routes.js";
import { addPageRoutes } from "./routes/page-routes.js";
import { addPresenceRoutes } from "./routes/presence-routes.js";
import { addShareRoutes } from "./routes/share-routes.js";
import { addTrackRoutes } from "./routes/track-routes.js";

/** Records "METHOD /path/{param}" for every route the route modules add. */
class RecordingRouter extends Router {
  readonly operations: string[] = [];
  override on(method: string, pattern: string, handler: Handler): this {
    this.operations.push(`${method} ${pattern.replace(/:(\w+)/g, "{$1}")}`);
    return super.on(method, pattern, handler);
  }
}

function operationsOfTheApp(): string[] {
  const router = new RecordingRouter();
  // Adding routes touches none of their dependencies; only the page routes read their folders.
  const unused = {} as never;
  addTrackRoutes(router, unused, unused, unused);
  addAuthRoutes(router, unused);
  // With single sign-on set (its routes exist only then).
  addOidcRoutes(router, {
    oidc: {} as never,
    isPasswordSignInOn: true,
    auth: unused,
    origin: unused,
    limiter: unused,
    logger: unused,
  });
  addPresenceRoutes(router, unused);
  addAnalyticsRoutes(router, unused);
  addShareRoutes(router, unused);
  addBackendRoutes(router, unused);
  addPageRoutes(router, { auth: unused, dashboardDir: "", trackerDir: "" });
  addOperationsRoutes(router, unused);
  return router.operations;
}

/** Routes that are not part of the JSON API: pages, files, the docs themselves, a CORS preflight. */
const NOT_IN_THE_API = [
  "GET /",
  "GET /wall",
  "GET /login",
  "GET /signed-out",
  "GET /analytics",
  "GET /analytics/{app}",
  "GET /share/{token}",
  "GET /assets/{file}",
  "GET /favicon.svg",
  "GET /tracker.js",
  "GET /api/docs",
  "GET /api/docs/openapi.json",
  "OPTIONS /api/v1/track",
];

const analytics = [400, 401, 403, 404, 503];
/** The error statuses each operation can answer with (every request may get 503 while draining). */
const ERRORS: Record<string, number[]> = {
  "GET /api/v1/presence": [400, 401, 403, 503],
  "GET /api/v1/presence/stream": [401, 403, 429, 503],
  "GET /api/v1/presence/users/{id}": [400, 401, 403, 404, 503],
  "GET /api/v1/me": [401, 503],
  "POST /api/v1/auth/login": [400, 401, 403, 413, 429, 503],
  "POST /api/v1/auth/logout": [401, 403, 503],
  "GET /api/v1/auth/methods": [],
  "GET /auth/oidc/start": [429],
  "GET /auth/oidc/callback": [429],
  "GET /embed": [400, 401, 503],
  "POST /api/v1/track": [400, 401, 413, 429, 503],
  [`GET ${TRACKER_SOCKET_PATH}`]: [429, 503],
  "GET /api/v1/apps": [401, 503],
  "GET /api/v1/apps/{app}/analytics/users/summary": analytics,
  "GET /api/v1/apps/{app}/analytics/users/active-over-time": analytics,
  "GET /api/v1/apps/{app}/analytics/users/heatmap": analytics,
  "GET /api/v1/apps/{app}/analytics/users/table": analytics,
  "GET /api/v1/apps/{app}/share-links": [401, 403, 503],
  "POST /api/v1/apps/{app}/share-links": [400, 401, 403, 404, 409, 413, 429, 503],
  "DELETE /api/v1/apps/{app}/share-links/{id}": [401, 403, 404, 503],
  "GET /api/v1/share/{token}": [404, 410, 503],
  "GET /api/v1/share/{token}/summary": [404, 410, 503],
  "GET /api/v1/share/{token}/active-over-time": [404, 410, 503],
  "GET /api/v1/share/{token}/heatmap": [404, 410, 503],
  "GET /api/v1/share/{token}/table": [400, 403, 404, 410, 503],
  "PUT /api/v1/users/{id}": [400, 401, 413, 429, 503],
  "DELETE /api/v1/users/{id}": [400, 401, 404, 503],
  "POST /api/v1/users": [400, 401, 413, 429, 503],
  "POST /api/v1/events": [400, 401, 413, 422, 429, 503],
  "GET /healthz": [503],
  "GET /readyz": [503],
  "GET /metrics": [401, 403, 503],
};

interface Operation {
  security?: unknown[];
  requestBody?: { "x-max-body-bytes": number };
  responses: Record<
    string,
    { description: string; content?: unknown; headers?: Record<string, unknown> }
  >;
}

const documented = new Map<string, Operation>(
  Object.entries(JSON.parse(JSON.stringify(openApiDocument.paths)) as object).flatMap(
    ([path, methods]) =>
      Object.entries(methods as Record<string, Operation>).map(
        ([method, op]) => [`${method.toUpperCase()} ${path}`, op] as const,
      ),
  ),
);

const errorStatuses = (op: Operation) =>
  Object.keys(op.responses)
    .map(Number)
    .filter((status) => status >= 400);

describe("the OpenAPI document", () => {
  it("describes every API route of the server, and nothing else", () => {
    const api = operationsOfTheApp().filter((op) => !NOT_IN_THE_API.includes(op));
    // The tracker socket is an upgrade the HTTP server hands over before routing.
    const expected = [...api, `GET ${TRACKER_SOCKET_PATH}`].sort();
    expect([...documented.keys()].sort()).toEqual(expected);
    expect(Object.keys(ERRORS).sort()).toEqual(expected);
  });

  it("documents every error status each route can answer with", () => {
    for (const [name, op] of documented) {
      expect(errorStatuses(op), name).toEqual(ERRORS[name]);
      if (op.security) expect(errorStatuses(op), name).toContain(401);
      if (op.requestBody)
        expect(errorStatuses(op), name).toEqual(expect.arrayContaining([400, 413]));
    }
  });

  it("gives every error the JSON error body, and Retry-After on 429 and 503", () => {
    const errorBody = { "application/json": { schema: { $ref: "#/components/schemas/Error" } } };
    for (const [name, op] of documented) {
      for (const status of errorStatuses(op)) {
        const response = op.responses[String(status)]!;
        expect(response.content, `${name} ${status}`).toEqual(errorBody);
        expect(response.description, `${name} ${status}`).toMatch(/^`[a-z_]+`/);
        const hasRetryAfter = response.headers?.["Retry-After"] !== undefined;
        // Only the HTTP handler sets Retry-After; a refused WebSocket upgrade does not.
        const shouldHaveIt =
          (status === 429 || status === 503) && !name.endsWith(TRACKER_SOCKET_PATH);
        expect(hasRetryAfter, `${name} ${status} Retry-After`).toBe(shouldHaveIt);
      }
    }
  });

  it("states each body limit in the request body and in its 413", () => {
    for (const [name, op] of documented) {
      if (!op.requestBody) continue;
      const limit = op.requestBody["x-max-body-bytes"];
      expect(limit, name).toBeGreaterThan(0);
      expect(op.responses["413"]?.description, name).toContain(formatBytes(limit));
    }
  });
});

describe("the documented body limits against a running server", () => {
  let rollcall: TestRollcall;
  beforeAll(async () => {
    rollcall = await startTestRollcall();
  });
  afterAll(async () => {
    await rollcall.stop();
  });

  const withBodies = [...documented].filter(([, op]) => op.requestBody);
  let viewerToken = "";
  beforeAll(async () => {
    viewerToken = await rollcall.viewerToken("owner");
  });
  const isForViewers = (op: Operation) => JSON.stringify(op.security).includes("viewerToken");
  const headersFor = (op: Operation) => ({
    "content-type": "application/json",
    "x-rollcall-csrf": "1",
    ...(op.security
      ? { authorization: `Bearer ${isForViewers(op) ? viewerToken : TEST_SECRET}` }
      : {}),
  });

  /**
   * Declares a body of `bytes` and sends none: the server answers from the declared length, or
   * (limit set too high) waits for the body: "no answer" after a second.
   */
  function declareBody(
    method: string,
    path: string,
    headers: Record<string, string>,
    bytes: number,
  ): Promise<number | "no answer"> {
    return new Promise((resolve, reject) => {
      const req = request(
        `${rollcall.url}${path}`,
        { method, headers: { ...headers, "content-length": String(bytes) } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
          req.destroy();
        },
      );
      req.on("error", reject);
      req.setTimeout(1_000, () => {
        resolve("no answer");
        req.destroy();
      });
      req.flushHeaders();
    });
  }

  it.each(withBodies)(
    "%s: a body one byte over the limit is 413, one at the limit is read",
    async (name, op) => {
      const [method, template] = name.split(" ") as [string, string];
      const path = template.replace("{id}", "u1").replace("{app}", "math");
      const limit = op.requestBody!["x-max-body-bytes"];
      expect(await declareBody(method, path, headersFor(op), limit + 1)).toBe(413);
      const atLimit = await fetch(`${rollcall.url}${path}`, {
        method,
        headers: headersFor(op),
        body: `{}${" ".repeat(limit - 2)}`,
      });
      expect(atLimit.status).toBe(400);
      expect(((await atLimit.json()) as { error: { code: string } }).error.code).toBe(
        "invalid_body",
      );
    },
  );

  it("serves the document at /api/docs/openapi.json", async () => {
    const served = await fetch(`${rollcall.url}/api/docs/openapi.json`);
    expect(await served.json()).toEqual(JSON.parse(JSON.stringify(openApiDocument)));
  });
});
