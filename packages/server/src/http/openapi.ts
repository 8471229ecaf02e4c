// The OpenAPI description of Rollcall's HTTP API, served at /api/docs; every limit comes from the code.
import { trackBatchSchema, WIRE_LIMITS } from "@rollcall/protocol";
import { LOGIN_ATTEMPTS, LOGIN_WINDOW_MS } from "../auth/login-limiter.js";
import { SESSION_COOKIE } from "../auth/session-cookie.js";
import { CSRF_HEADER } from "../auth/viewer-auth.js";
import { TRACKER_LIMITS } from "../ingest/tracker-limits.js";
import { TRACKER_SOCKET_PATH } from "../ingest/tracker-socket.js";
import { STREAMS_PER_VIEWER } from "../live/presence-feed.js";
import { presenceQuerySchema } from "../presence/presence-query.js";
import { MAX_BODY_BYTES } from "./http-io.js";
import {
  BODIES_PER_ADDRESS,
  errorResponse,
  formatBytes,
  invalidBody,
  noPlatformSecret,
  noViewer,
  rateLimited,
  tooLarge,
  unavailable,
  unavailableReadingBodies,
} from "./openapi-errors.js";
import { metricsTokenScheme, operationsPaths } from "./openapi-operations.js";
import {
  analyticsParameters,
  errorSchema,
  inputSchema,
  jsonBody,
  presencePage,
  presenceSummary,
  presenceUser,
  queryParameters,
  tableParameters,
  viewerSecurity,
} from "./openapi-schemas.js";
import { sharePaths } from "./openapi-share.js";
import { signInPaths } from "./openapi-sign-in.js";
import { LOGIN_BODY_BYTES, loginSchema } from "./routes/auth-routes.js";
import {
  EVENTS_BODY_BYTES,
  eventBatchSchema,
  FUTURE_SKEW_MS,
  profileSchema,
  USERS_BODY_BYTES,
  userBatchSchema,
  userIdSchema,
} from "./routes/backend-routes.js";
import {
  TRACK_BODY_BYTES,
  TRACK_REQUEST_BURST,
  TRACK_REQUESTS_PER_SECOND,
} from "./routes/track-routes.js";

const backendSecurity = [{ platformSecret: [] }];

const userIdParameter = {
  name: "id",
  in: "path",
  required: true,
  schema: inputSchema(userIdSchema),
};
const forbiddenToInstructors = errorResponse(
  "instructors may not see the Connected users page",
  "forbidden",
);
const csrf = errorResponse(
  `a request made with the session cookie lacks the ${CSRF_HEADER} header`,
  "csrf",
);
const propsNote = `\`props\`: a JSON object of at most ${WIRE_LIMITS.propsBytes} bytes as JSON.`;
const viewerResponses = { "401": noViewer, "503": unavailable };

const analyticsResponses = {
  "200": { description: "See the summary" },
  "400": errorResponse("invalid range, dates or time zone", "invalid_query"),
  ...viewerResponses,
  "403": errorResponse("not one of the viewer's apps, or `_all` for an instructor", "forbidden"),
  "404": errorResponse(
    "no page view or event of this app has ever been seen on the platform (`_all` always answers)",
    "unknown_app",
  ),
};

/** The WebSocket upgrade is answered before any HTTP handler: no Retry-After there. */
function withoutRetryAfter(response: ReturnType<typeof errorResponse>) {
  const { headers: _, ...rest } = response;
  return rest;
}

export const openApiDocument = {
  openapi: "3.1.0",
  info: {
    title: "Rollcall API",
    version: "1",
    description:
      "Real-time presence and activity analytics. Viewer endpoints take a viewer token (Authorization: Bearer) or the session cookie set by /embed or the login page; the platform comes from it. Errors are JSON { error: { code, message } }; 429 and 503 carry Retry-After. Any request may get 503 while the server shuts down.",
  },
  components: {
    securitySchemes: {
      viewerToken: {
        type: "http",
        scheme: "bearer",
        bearerFormat: "JWT (aud rollcall:view, HS256)",
      },
      sessionCookie: { type: "apiKey", in: "cookie", name: SESSION_COOKIE },
      platformSecret: {
        type: "http",
        scheme: "bearer",
        bearerFormat: "the platform signing secret",
      },
      metricsToken: metricsTokenScheme,
    },
    schemas: {
      Error: errorSchema,
      PresenceUser: presenceUser,
      PresenceSummary: presenceSummary,
    },
  },
  paths: {
    "/api/v1/presence": {
      get: {
        summary:
          "Connected users: summary and rows, online first; format=csv or Accept: text/csv for every row the filters keep, times in tz with its offset",
        security: viewerSecurity,
        parameters: queryParameters(presenceQuerySchema),
        responses: {
          "200": {
            ...presencePage,
            content: {
              ...presencePage.content,
              "text/csv": { schema: { type: "string", description: "format=csv" } },
            },
          },
          "400": errorResponse("a query parameter is out of bounds", "invalid_query"),
          ...viewerResponses,
          "403": forbiddenToInstructors,
        },
      },
    },
    "/api/v1/presence/stream": {
      get: {
        summary:
          "Server-Sent Events: one `snapshot` (all users), then coalesced `change` events (upserts, removes, summary, seq); gzip-compressed when Accept-Encoding allows it",
        security: viewerSecurity,
        responses: {
          "200": { description: "text/event-stream" },
          ...viewerResponses,
          "403": forbiddenToInstructors,
          "429": rateLimited(
            `${STREAMS_PER_VIEWER} open streams per viewer and platform; close one (a dashboard tab, or its Live setting) first`,
          ),
        },
      },
    },
    "/api/v1/presence/users/{id}": {
      get: {
        summary: "One user's open tabs and devices, today's sessions and recent page trail",
        security: viewerSecurity,
        parameters: [
          { name: "id", in: "path", required: true, schema: { type: "string" } },
          { name: "tz", in: "query", schema: { type: "string", default: "UTC" } },
        ],
        responses: {
          "200": { description: "User detail" },
          "400": errorResponse("tz is not an IANA time zone", "invalid_query"),
          ...viewerResponses,
          "403": forbiddenToInstructors,
          "404": errorResponse("no such user", "not_found"),
        },
      },
    },
    "/api/v1/me": {
      get: {
        summary: "The signed-in viewer",
        security: viewerSecurity,
        responses: { "200": { description: "{ viewer }" }, ...viewerResponses },
      },
    },
    "/api/v1/auth/login": {
      post: {
        summary: `Operator sign-in with email and password; sets the session cookie. Send header ${CSRF_HEADER}.`,
        requestBody: jsonBody(loginSchema, LOGIN_BODY_BYTES),
        responses: {
          "204": { description: "Signed in" },
          "400": invalidBody("email or password missing or too long"),
          "401": errorResponse("wrong email or password", "unauthorized"),
          "403": errorResponse(
            `no ${CSRF_HEADER} header (csrf), or password sign-in is switched off (forbidden)`,
            "csrf",
          ),
          "413": tooLarge(LOGIN_BODY_BYTES),
          "429": rateLimited(
            `${LOGIN_ATTEMPTS} attempts per client address per ${LOGIN_WINDOW_MS / 1000} s, or ${BODIES_PER_ADDRESS}`,
          ),
          "503": unavailableReadingBodies,
        },
      },
    },
    ...signInPaths,
    ...sharePaths,
    "/api/v1/auth/logout": {
      post: {
        summary: `Ends the cookie session. Send header ${CSRF_HEADER}.`,
        security: viewerSecurity,
        responses: { "204": { description: "Signed out" }, ...viewerResponses, "403": csrf },
      },
    },
    "/embed": {
      get: {
        summary:
          "Exchanges a viewer token for an httpOnly session cookie (SameSite per ROLLCALL_COOKIE_SAMESITE) and redirects to the dashboard",
        parameters: [
          {
            name: "token",
            in: "query",
            required: true,
            schema: { type: "string", maxLength: WIRE_LIMITS.tokenLength },
          },
          {
            name: "next",
            in: "query",
            schema: { type: "string" },
            description: "Local page to open",
          },
        ],
        responses: {
          "302": { description: "Redirect, with Set-Cookie" },
          "400": errorResponse("token missing or too long", "bad_request"),
          "401": errorResponse("invalid or expired viewer token", "token_invalid", "token_expired"),
          "503": unavailable,
        },
      },
    },
    "/api/v1/track": {
      post: {
        summary: `Tracker HTTP transport: { hello, messages } → { welcome, acks, refused }. The WebSocket transport is ${TRACKER_SOCKET_PATH}.`,
        requestBody: jsonBody(
          trackBatchSchema,
          TRACK_BODY_BYTES,
          `At most ${WIRE_LIMITS.batchMessages} messages. Also accepted as text/plain (sendBeacon). ${propsNote}`,
        ),
        responses: {
          "200": {
            description:
              "Welcome, acknowledged event ids once stored, and refused events ([{ id, code: unprocessable, message }]: a ts out of bounds; never stored, drop them)",
          },
          "400": invalidBody("invalid batch"),
          "401": errorResponse("invalid or expired user token", "token_invalid", "token_expired"),
          "413": tooLarge(TRACK_BODY_BYTES),
          "429": rateLimited(
            `${TRACK_REQUESTS_PER_SECOND} requests/s per client address (burst ${TRACK_REQUEST_BURST}); or a new tab of a user who already has ${TRACKER_LIMITS.connectionsPerUser} open (WebSocket and HTTP together); or ${BODIES_PER_ADDRESS}`,
          ),
          "503": unavailableReadingBodies,
        },
      },
    },
    [TRACKER_SOCKET_PATH]: {
      get: {
        summary: `Tracker WebSocket (upgrade). Frames: at most ${formatBytes(WIRE_LIMITS.frameBytes)} (close 1009), ${TRACKER_LIMITS.framesPerSecond}/s with bursts of ${TRACKER_LIMITS.frameBurst} (close 4429), ${TRACKER_LIMITS.connectionsPerUser} sockets per user (close 4429); close codes in docs/presence.md.`,
        responses: {
          "101": { description: "Switching protocols; send hello first" },
          "429": withoutRetryAfter(
            rateLimited(`${TRACKER_LIMITS.connectionsPerAddress} open sockets per client address`),
          ),
          "503": withoutRetryAfter(unavailable),
        },
      },
    },
    "/api/v1/apps": {
      get: {
        summary: "Apps the viewer may see: id, name, users (with any activity), lastActivityAt",
        security: viewerSecurity,
        responses: { "200": { description: "{ apps, canSeeAll }" }, ...viewerResponses },
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
          "{ total, users: [{ id, name, email, role, messagesSent, lastActiveAt }], roles } (lastActiveAt in UTC; roles: those of the app's users, for the role filter); format=csv or Accept: text/csv for the whole filtered table, times in tz with its offset, named rollcall-users_<app>_<first>_to_<last>_<zone>_generated-<time>.csv",
        security: viewerSecurity,
        parameters: tableParameters,
        responses: analyticsResponses,
      },
    },
    "/api/v1/users/{id}": {
      put: {
        summary: "Backend: upsert a platform user { name, email, role } (201 created, 200 updated)",
        security: backendSecurity,
        parameters: [userIdParameter],
        requestBody: jsonBody(profileSchema, MAX_BODY_BYTES),
        responses: {
          "200": { description: "Updated" },
          "201": { description: "Created" },
          "400": invalidBody("a profile field is missing or too long, or the id is"),
          "401": noPlatformSecret,
          "413": tooLarge(MAX_BODY_BYTES),
          "429": rateLimited(BODIES_PER_ADDRESS),
          "503": unavailableReadingBodies,
        },
      },
      delete: {
        summary:
          "Backend: erase the user and all their data (sessions, visits, events, rollups, presence)",
        security: backendSecurity,
        parameters: [userIdParameter],
        responses: {
          "204": { description: "Erased" },
          "400": errorResponse("the id is empty or too long", "bad_request"),
          "401": noPlatformSecret,
          "404": errorResponse("no such user", "not_found"),
          "503": unavailable,
        },
      },
    },
    "/api/v1/users": {
      post: {
        summary:
          "Backend: upsert many platform users at once (rollcall user import); 200 once durable",
        security: backendSecurity,
        requestBody: jsonBody(userBatchSchema, USERS_BODY_BYTES),
        responses: {
          "200": { description: "{ upserted, changed }" },
          "400": invalidBody("empty or too long a batch, or a bad user"),
          "401": noPlatformSecret,
          "413": tooLarge(USERS_BODY_BYTES),
          "429": rateLimited(BODIES_PER_ADDRESS),
          "503": unavailableReadingBodies,
        },
      },
    },
    "/api/v1/events": {
      post: {
        summary:
          "Backend: { events: [{ id, user, name, app?, ts?, props? }] }; a repeated id is stored once; 200 once durable",
        security: backendSecurity,
        requestBody: jsonBody(eventBatchSchema, EVENTS_BODY_BYTES, propsNote),
        responses: {
          "200": { description: "{ accepted }" },
          "400": invalidBody("empty or too long a batch, or a bad event"),
          "401": noPlatformSecret,
          "413": tooLarge(EVENTS_BODY_BYTES),
          "422": errorResponse(
            `a ts more than ${FUTURE_SKEW_MS / 60_000} minutes in the future, before 2000-01-01, or older than ROLLCALL_EVENT_RETENTION_DAYS when set; nothing in the batch was stored`,
            "unprocessable",
          ),
          "429": rateLimited(BODIES_PER_ADDRESS),
          "503": unavailableReadingBodies,
        },
      },
    },
    ...operationsPaths,
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
