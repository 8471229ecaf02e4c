// The OpenAPI description of Rollcall's HTTP API, served at /api/docs.

const error = { $ref: "#/components/schemas/Error" };
const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: error } },
});
const viewerSecurity = [{ viewerToken: [] }, { sessionCookie: [] }];

const presenceUser = {
  type: "object",
  required: [
    "id",
    "name",
    "email",
    "role",
    "status",
    "currentPage",
    "sessionStartedAt",
    "activeForSeconds",
    "lastSeenAt",
    "connections",
  ],
  properties: {
    id: { type: "string" },
    name: { type: "string" },
    email: { type: "string" },
    role: { type: "string" },
    status: { type: "string", enum: ["online", "idle", "offline"] },
    currentPage: {
      oneOf: [
        { type: "null" },
        {
          type: "object",
          properties: {
            path: { type: "string" },
            title: { type: "string" },
            app: { type: ["string", "null"] },
          },
        },
      ],
    },
    sessionStartedAt: { type: ["string", "null"], format: "date-time" },
    activeForSeconds: { type: ["integer", "null"] },
    lastSeenAt: { type: ["string", "null"], format: "date-time" },
    connections: { type: "integer" },
  },
};

const summary = {
  type: "object",
  properties: {
    totalUsers: { type: "integer", description: "Registered platform users" },
    online: { type: "integer", description: "Users with status online (not idle)" },
    idle: { type: "integer" },
    offline: { type: "integer" },
    avgSessionSeconds: {
      type: "integer",
      description:
        "Mean duration of the sessions that overlap the last 24 hours, ongoing ones counted up to now",
    },
  },
};

export const openApiDocument = {
  openapi: "3.1.0",
  info: {
    title: "Rollcall API",
    version: "1",
    description:
      "Real-time presence and activity analytics. Viewer endpoints take a viewer token (Authorization: Bearer) or the session cookie set by /embed or the login page; the platform comes from it. Errors are JSON { error: { code, message } }.",
  },
  components: {
    securitySchemes: {
      viewerToken: {
        type: "http",
        scheme: "bearer",
        bearerFormat: "JWT (aud rollcall:view, HS256)",
      },
      sessionCookie: { type: "apiKey", in: "cookie", name: "rollcall_session" },
    },
    schemas: {
      Error: {
        type: "object",
        properties: {
          error: {
            type: "object",
            properties: { code: { type: "string" }, message: { type: "string" } },
          },
        },
      },
      PresenceUser: presenceUser,
      PresenceSummary: summary,
    },
  },
  paths: {
    "/api/v1/presence": {
      get: {
        summary: "Connected users: summary and rows, online first",
        security: viewerSecurity,
        parameters: [
          {
            name: "q",
            in: "query",
            schema: { type: "string" },
            description: "Search name or email",
          },
          {
            name: "status",
            in: "query",
            schema: { type: "string", enum: ["online", "idle", "offline", "live"] },
          },
          { name: "role", in: "query", schema: { type: "string" } },
          {
            name: "sort",
            in: "query",
            schema: {
              type: "string",
              enum: ["status", "name", "email", "role", "page", "activeFor"],
            },
          },
          { name: "order", in: "query", schema: { type: "string", enum: ["asc", "desc"] } },
          {
            name: "limit",
            in: "query",
            schema: { type: "integer", minimum: 1, maximum: 100000, default: 100 },
          },
          {
            name: "cursor",
            in: "query",
            schema: { type: "string" },
            description: "nextCursor of the previous page",
          },
        ],
        responses: {
          "200": {
            description: "One page of users",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  properties: {
                    updatedAt: { type: "string", format: "date-time" },
                    summary: { $ref: "#/components/schemas/PresenceSummary" },
                    users: { type: "array", items: { $ref: "#/components/schemas/PresenceUser" } },
                    matched: { type: "integer" },
                    nextCursor: { type: ["string", "null"] },
                  },
                },
              },
            },
          },
          "400": errorResponse("Invalid query"),
          "401": errorResponse("No valid viewer"),
          "403": errorResponse("Instructors may not see the Connected users page"),
        },
      },
    },
    "/api/v1/presence/stream": {
      get: {
        summary:
          "Server-Sent Events: one `snapshot` (all users), then coalesced `change` events (upserts, removes, summary, seq)",
        security: viewerSecurity,
        responses: {
          "200": { description: "text/event-stream" },
          "401": errorResponse("No valid viewer"),
        },
      },
    },
    "/api/v1/presence/users/{id}": {
      get: {
        summary: "One user's open tabs and devices, today's sessions and recent page trail",
        security: viewerSecurity,
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
        responses: { "200": { description: "User detail" }, "404": errorResponse("No such user") },
      },
    },
    "/api/v1/me": {
      get: {
        summary: "The signed-in viewer",
        security: viewerSecurity,
        responses: { "200": { description: "{ viewer }" } },
      },
    },
    "/api/v1/auth/login": {
      post: {
        summary:
          "Operator sign-in with email and password; sets the session cookie. Send header x-rollcall-csrf.",
        requestBody: {
          content: {
            "application/json": {
              schema: {
                type: "object",
                properties: { email: { type: "string" }, password: { type: "string" } },
              },
            },
          },
        },
        responses: {
          "204": { description: "Signed in" },
          "401": errorResponse("Wrong email or password"),
          "429": errorResponse("Too many attempts"),
        },
      },
    },
    "/api/v1/auth/logout": {
      post: {
        summary: "Ends the cookie session",
        responses: { "204": { description: "Signed out" } },
      },
    },
    "/embed": {
      get: {
        summary:
          "Exchanges a viewer token for an httpOnly session cookie and redirects to the dashboard",
        parameters: [
          { name: "token", in: "query", required: true, schema: { type: "string" } },
          {
            name: "next",
            in: "query",
            schema: { type: "string" },
            description: "Local page to open",
          },
        ],
        responses: {
          "302": { description: "Redirect" },
          "401": errorResponse("Invalid viewer token"),
        },
      },
    },
    "/api/v1/track": {
      post: {
        summary:
          "Tracker HTTP transport: { hello, messages } → { welcome, acks }. The WebSocket transport is /api/v1/track/ws.",
        responses: {
          "200": { description: "Welcome and acknowledged event ids" },
          "400": errorResponse("Invalid batch"),
          "401": errorResponse("Invalid user token"),
        },
      },
    },
    "/healthz": {
      get: { summary: "Health of this node", responses: { "200": { description: "ok" } } },
    },
  },
} as const;

/** A readable page listing the endpoints, without scripts (the JSON is linked). */
export function renderApiDocsPage(): string {
  const rows = Object.entries(openApiDocument.paths)
    .flatMap(([path, methods]) =>
      Object.entries(methods).map(
        ([method, op]) =>
          `<tr><td><code>${method.toUpperCase()}</code></td><td><code>${path}</code></td><td>${escapeHtml((op as { summary: string }).summary)}</td></tr>`,
      ),
    )
    .join("\n");
  return `<!doctype html><meta charset="utf-8"><title>Rollcall API</title>
<style>body{font:15px system-ui,sans-serif;max-width:1000px;margin:40px auto;color:#1f2328}td{padding:6px 10px;border-bottom:1px solid #e5e7eb;vertical-align:top}code{font-size:13px}</style>
<h1>Rollcall API</h1><p>${escapeHtml(openApiDocument.info.description)}</p>
<p>Machine-readable: <a href="/api/docs/openapi.json">openapi.json</a> (OpenAPI 3.1).</p>
<table>${rows}</table>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
