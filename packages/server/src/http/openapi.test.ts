// The API description tells the truth: every route of the router with the errors it can give, and
// the body limits enforced.
import { request } from "node:http";
import { ERROR_STATUS, type ErrorCode } from "@rollcall/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TRACKER_SOCKET_PATH } from "../ingest/tracker-socket.js";
import { startTestRollcall, TEST_SECRET, type TestRollcall } from "../testing/test-rollcall.js";
import { openApiDocument } from "./openapi.js";
import { formatBytes } from "./openapi-errors.js";

/** Single sign-on set (its routes exist only then); the provider is never reached here. */
const WITH_SSO = {
  ROLLCALL_PUBLIC_URL: "http://127.0.0.1:8740",
  ROLLCALL_OIDC_ISSUER: "http://127.0.0.1:9/",
  ROLLCALL_OIDC_CLIENT_ID: "rollcall",
  ROLLCALL_OIDC_ALLOWED_DOMAINS: "acme.example",
};

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
  "GET /api/docs/viewer/start.js",
  "GET /api/docs/viewer/{file}",
  "OPTIONS /api/v1/track",
];

interface Operation {
  security?: unknown[];
  requestBody?: { "x-max-body-bytes": number };
  responses: Record<
    string,
    {
      description: string;
      content?: Record<string, { schema: Record<string, unknown> }>;
      headers?: Record<string, unknown>;
    }
  >;
}

const served = JSON.parse(JSON.stringify(openApiDocument)) as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
};
const documented = new Map<string, Operation>(
  Object.entries(served.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => [`${method.toUpperCase()} ${path}`, op] as const),
  ),
);

const errorStatuses = (op: Operation) =>
  Object.keys(op.responses)
    .map(Number)
    .filter((status) => status >= 400);

/** The codes an error answer's schema allows. */
function codesOf(response: Operation["responses"][string]): ErrorCode[] {
  const schema = response.content?.["application/json"]?.schema as {
    properties: { error: { properties: { code: { enum: ErrorCode[] } } } };
  };
  return schema.properties.error.properties.code.enum;
}

describe("the OpenAPI document", () => {
  let rollcall: TestRollcall;
  let viewerToken: string;
  beforeAll(async () => {
    rollcall = await startTestRollcall(WITH_SSO);
    viewerToken = await rollcall.viewerToken("owner");
  });
  afterAll(async () => {
    await rollcall.stop();
  });

  it("describes every API route the server's router has, and nothing else", () => {
    const routed = rollcall
      .routes()
      .map(({ method, pattern }) => `${method} ${pattern.replace(/:(\w+)/g, "{$1}")}`);
    for (const page of NOT_IN_THE_API) expect(routed, page).toContain(page);
    const api = routed.filter((op) => !NOT_IN_THE_API.includes(op));
    // The tracker socket is an upgrade the HTTP server hands over before routing.
    const expected = [...api, `GET ${TRACKER_SOCKET_PATH}`].sort();
    expect([...documented.keys()].sort()).toEqual(expected);
  });

  it("lets every authenticated route answer 401, and every body route 400 and 413", () => {
    for (const [name, op] of documented) {
      if (op.security) expect(errorStatuses(op), name).toContain(401);
      if (op.requestBody)
        expect(errorStatuses(op), name).toEqual(expect.arrayContaining([400, 413]));
    }
  });

  it("gives every error the JSON error body with its codes, and Retry-After on 429 and 503", () => {
    for (const [name, op] of documented) {
      for (const status of errorStatuses(op)) {
        const response = op.responses[String(status)]!;
        const codes = codesOf(response);
        expect(codes.length, `${name} ${status}`).toBeGreaterThan(0);
        for (const code of codes) expect(ERROR_STATUS[code], `${name} ${code}`).toBe(status);
        expect(response.description, `${name} ${status}`).toMatch(/^`[a-z_]+`/);
        const hasRetryAfter = response.headers?.["Retry-After"] !== undefined;
        // Only the HTTP handler sets Retry-After; a refused WebSocket upgrade does not.
        const shouldHaveIt =
          (status === 429 || status === 503) && !name.endsWith(TRACKER_SOCKET_PATH);
        expect(hasRetryAfter, `${name} ${status} Retry-After`).toBe(shouldHaveIt);
      }
    }
  });

  it("names every schema it refers to", () => {
    const refs = JSON.stringify(served).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) {
      const name = ref.slice('"$ref":"#/components/schemas/'.length, -1);
      expect(served.components.schemas[name], ref).toBeDefined();
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

  const withBodies = [...documented].filter(([, op]) => op.requestBody);
  const headersFor = (op: Operation) => ({
    "content-type": "application/json",
    "x-rollcall-csrf": "1",
    ...(op.security ? { authorization: `Bearer ${credentialOf(op)}` } : {}),
  });
  /** A viewer token for viewer routes, else the platform secret. */
  const credentialOf = (op: Operation) =>
    JSON.stringify(op.security).includes("viewerToken") ? viewerToken : TEST_SECRET;

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

  it("is served at /api/docs/openapi.json", async () => {
    const response = await fetch(`${rollcall.url}/api/docs/openapi.json`);
    expect(await response.json()).toEqual(served);
  });
});
