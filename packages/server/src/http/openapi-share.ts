// The OpenAPI paths of share links: viewers make, list and revoke them; a token's holder reads one report.
import { SHARE_LINK_LIMITS, shareLinkRequestSchema } from "@rollcall/protocol";
import { CSRF_HEADER } from "../auth/viewer-auth.js";
import {
  BODIES_PER_ADDRESS,
  errorResponse,
  invalidBody,
  noViewer,
  rateLimited,
  tooLarge,
  unavailable,
  unavailableReadingBodies,
} from "./openapi-errors.js";
import { jsonBody, tableQueryParameters, viewerSecurity } from "./openapi-schemas.js";
import { SHARE_LINK_BODY_BYTES } from "./routes/share-routes.js";

const appParameter = {
  name: "app",
  in: "path",
  required: true,
  schema: { type: "string" },
  description: "App id, or _all for the whole platform (owners and admins)",
};
const tokenParameter = {
  name: "token",
  in: "path",
  required: true,
  schema: { type: "string", maxLength: SHARE_LINK_LIMITS.tokenLength },
  description: "The share token: the last part of the link's `/share/<token>` address",
};
const notYours = errorResponse(
  "not one of the viewer's apps, or `_all` for an instructor; or a request made with the session cookie lacks the " +
    `${CSRF_HEADER} header`,
  "forbidden",
  "csrf",
);
const linkGone = errorResponse(
  "the link has expired, or has been revoked: a holder can do nothing with it",
  "share_link_expired",
  "share_link_revoked",
);
const noSuchLink = errorResponse(
  `not a token this Rollcall signed (changed, cut short, over ${SHARE_LINK_LIMITS.tokenLength} characters, or for a platform whose secret was rotated away), or its link no longer exists`,
  "share_link_invalid",
);
const holderResponses = { "404": noSuchLink, "410": linkGone, "503": unavailable };
const LINK =
  "{ id, app, range, from, to, tz, includeTable, label, expiresAt, createdAt, createdBy: { id, name }, path }";

export const sharePaths = {
  "/api/v1/apps/{app}/share-links": {
    get: {
      summary: `The app's open share links, newest first (expired and revoked ones are left out): { links: [${LINK}] }. Anyone who may read the app's report sees and may revoke all of them`,
      security: viewerSecurity,
      parameters: [appParameter],
      responses: {
        "200": { description: "{ links }" },
        "401": noViewer,
        "403": notYours,
        "503": unavailable,
      },
    },
    post: {
      summary: `Makes a read-only link to the app's Users report (range and zone fixed, the table only with includeTable): 201 ${LINK}. It lives ${SHARE_LINK_LIMITS.minLifetimeMs / 60_000} minutes to ${SHARE_LINK_LIMITS.maxLifetimeMs / 86_400_000} days; an app has at most ${SHARE_LINK_LIMITS.liveLinksPerApp} open links`,
      security: viewerSecurity,
      parameters: [appParameter],
      requestBody: jsonBody(
        shareLinkRequestSchema,
        SHARE_LINK_BODY_BYTES,
        "`from`/`to` only for range custom; `expiresAt` ISO 8601.",
      ),
      responses: {
        "201": { description: "The link" },
        "400": invalidBody("expiry out of bounds, a bad range, date or zone, a label too long"),
        "401": noViewer,
        "403": notYours,
        "404": errorResponse("no activity was ever seen in this app", "unknown_app"),
        "409": errorResponse(
          `the app already has ${SHARE_LINK_LIMITS.liveLinksPerApp} open links`,
          "conflict",
        ),
        "413": tooLarge(SHARE_LINK_BODY_BYTES),
        "429": rateLimited(BODIES_PER_ADDRESS),
        "503": unavailableReadingBodies,
      },
    },
  },
  "/api/v1/apps/{app}/share-links/{id}": {
    delete: {
      summary:
        "Revokes a link at once, on every node: its page and API answer 410 share_link_revoked from then on (204)",
      security: viewerSecurity,
      parameters: [
        appParameter,
        { name: "id", in: "path", required: true, schema: { type: "string" } },
      ],
      responses: {
        "204": { description: "Revoked" },
        "401": noViewer,
        "403": notYours,
        "404": errorResponse("no open link of this app has that id", "not_found"),
        "503": unavailable,
      },
    },
  },
  "/api/v1/share/{token}": {
    get: {
      summary:
        "No credentials but the token: the report the link shows, { app, range, from, to, tz, includeTable, label, expiresAt }",
      parameters: [tokenParameter],
      responses: { "200": { description: "The report" }, ...holderResponses },
    },
  },
  "/api/v1/share/{token}/summary": {
    get: {
      summary:
        "The linked report's summary, as /apps/{app}/analytics/users/summary for its range and zone",
      parameters: [tokenParameter],
      responses: { "200": { description: "The summary" }, ...holderResponses },
    },
  },
  "/api/v1/share/{token}/active-over-time": {
    get: {
      summary: "The linked report's active users over time, for its range and zone",
      parameters: [tokenParameter],
      responses: { "200": { description: "The chart's points" }, ...holderResponses },
    },
  },
  "/api/v1/share/{token}/heatmap": {
    get: {
      summary: "The linked report's access-times heatmap, for its range and zone",
      parameters: [tokenParameter],
      responses: { "200": { description: "168 cells" }, ...holderResponses },
    },
  },
  "/api/v1/share/{token}/table": {
    get: {
      summary:
        "The linked report's user table (names, emails), JSON or CSV, only when the link was made with includeTable",
      parameters: [tokenParameter, ...tableQueryParameters],
      responses: {
        "200": { description: "As /apps/{app}/analytics/users/table" },
        "400": errorResponse("a bad sort, filter or page", "invalid_query"),
        "403": errorResponse("the link does not include the user table", "forbidden"),
        ...holderResponses,
      },
    },
  },
};
