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

const analyticsParameters = [
  {
    name: "app",
    in: "path",
    required: true,
    schema: { type: "string" },
    description: "App id, or _all for the whole platform",
  },
  {
    name: "range",
    in: "query",
    schema: { type: "string", enum: ["today", "7d", "30d", "custom"], default: "7d" },
  },
  {
    name: "from",
    in: "query",
    schema: { type: "string", format: "date" },
    description: "custom: first local date, inclusive",
  },
  {
    name: "to",
    in: "query",
    schema: { type: "string", format: "date" },
    description: "custom: last local date, inclusive",
  },
  {
    name: "tz",
    in: "query",
    schema: { type: "string", default: "UTC" },
    description: "IANA time zone of the viewer",
  },
];
const analyticsResponses = {
  "200": { description: "See the summary" },
  "400": errorResponse("Invalid range, dates or time zone"),
  "401": errorResponse("No valid viewer"),
  "403": errorResponse("Not one of the viewer's apps"),
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
      platformSecret: {
        type: "http",
        scheme: "bearer",
        bearerFormat: "the platform signing secret",
      },
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
    "/api/v1/apps": {
      get: {
        summary: "Apps the viewer may see: id, name, users (with any activity), lastActivityAt",
        security: viewerSecurity,
        responses: { "200": { description: "{ apps, canSeeAll }" } },
      },
    },
    "/api/v1/apps/{app}/analytics/users/summary": {
      get: {
        summary:
          "{ currentlyOnline, active30d, totalRegistered, activeInRange } for an app (_all: the platform)",
        security: viewerSecurity,
        parameters: analyticsParameters,
        responses: analyticsResponses,
      },
    },
    "/api/v1/apps/{app}/analytics/users/active-over-time": {
      get: {
        summary:
          "{ bucket: hour|day|week, points: [{ start, users }] }: distinct active users per bucket, every bucket present",
        security: viewerSecurity,
        parameters: analyticsParameters,
        responses: analyticsResponses,
      },
    },
    "/api/v1/apps/{app}/analytics/users/heatmap": {
      get: {
        summary:
          "{ tz, cells }: 168 cells (weekday 1=Mon..7, local hour), average = total ÷ occurrences",
        security: viewerSecurity,
        parameters: analyticsParameters,
        responses: analyticsResponses,
      },
    },
    "/api/v1/apps/{app}/analytics/users/table": {
      get: {
        summary:
          "{ total, users: [{ id, name, email, messagesSent, lastActiveAt }] }; format=csv or Accept: text/csv for the whole filtered table",
        security: viewerSecurity,
        parameters: [
          ...analyticsParameters,
          {
            name: "sort",
            in: "query",
            schema: { type: "string", enum: ["name", "messagesSent", "lastActiveAt"] },
          },
          { name: "order", in: "query", schema: { type: "string", enum: ["asc", "desc"] } },
          { name: "q", in: "query", schema: { type: "string" } },
          { name: "inactiveDays", in: "query", schema: { type: "integer", minimum: 0 } },
          { name: "minMessages", in: "query", schema: { type: "integer", minimum: 0 } },
          {
            name: "limit",
            in: "query",
            schema: { type: "integer", minimum: 1, maximum: 1000, default: 50 },
          },
          { name: "offset", in: "query", schema: { type: "integer", minimum: 0 } },
          { name: "format", in: "query", schema: { type: "string", enum: ["json", "csv"] } },
        ],
        responses: analyticsResponses,
      },
    },
    "/api/v1/users/{id}": {
      put: {
        summary: "Backend: upsert a platform user { name, email, role } (201 created, 200 updated)",
        security: [{ platformSecret: [] }],
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
        responses: {
          "200": { description: "Updated" },
          "201": { description: "Created" },
          "401": errorResponse("Not a platform secret"),
        },
      },
      delete: {
        summary:
          "Backend: erase the user and all their data (sessions, visits, events, rollups, presence)",
        security: [{ platformSecret: [] }],
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
        responses: { "204": { description: "Erased" }, "404": errorResponse("No such user") },
      },
    },
    "/api/v1/events": {
      post: {
        summary:
          "Backend: { events: [{ id, user, name, app?, ts?, props? }] } (≤ 1000); a repeated id is stored once; 200 once durable",
        security: [{ platformSecret: [] }],
        responses: {
          "200": { description: "{ accepted }" },
          "400": errorResponse("Invalid batch (the message names the field)"),
          "422": errorResponse("Timestamp in the future"),
        },
      },
    },
    "/healthz": {
      get: {
        summary: "Health of this node",
        responses: {
          "200": {
            description:
              "{ status: ok | degraded, storage: ok | down, database: sqlite | postgres, presence: memory | ok | down, trackerSockets, dashboards }",
          },
        },
      },
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
