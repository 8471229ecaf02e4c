// The API description of share links: viewers make, list and revoke them; a token's holder reads one report.
import {
  activeOverTimeSchema,
  heatmapSchema,
  SHARE_LINK_LIMITS,
  sharedReportSchema,
  shareLinkInfoSchema,
  shareLinkListSchema,
  shareLinkRequestSchema,
  usersSummarySchema,
  userTableSchema,
} from "@rollcall/protocol";
import { z } from "zod";
import { formatParamsSchema, tableParamsSchema } from "../analytics/analytics-query.js";
import { CSRF_HEADER } from "../auth/viewer-auth.js";
import {
  BODIES_PER_ADDRESS,
  errorResponse,
  invalidBody,
  rateLimited,
  tooLarge,
  unavailable,
  unavailableReadingBodies,
  viewerErrors,
} from "./openapi-errors.js";
import { type ApiReply, type ApiRoute, jsonReply } from "./openapi-route.js";
import { appParams } from "./openapi-viewer-api.js";
import { SHARE_LINK_BODY_BYTES, SHARE_REQUESTS_PER_MINUTE } from "./routes/share-routes.js";

const { minLifetimeMs, maxLifetimeMs, liveLinksPerApp, tokenLength } = SHARE_LINK_LIMITS;

const tokenParams = z.object({
  token: z
    .string()
    .max(tokenLength)
    .describe("The share token: the last part of the link's `/share/<token>` address"),
});

const notYours = errorResponse(
  "not one of the viewer's apps, or `_all` for an instructor",
  "forbidden",
);
const notYoursOrNoCsrf = errorResponse(
  `not one of the viewer's apps, or \`_all\` for an instructor; or a request made with the session cookie lacks the ${CSRF_HEADER} header`,
  "forbidden",
  "csrf",
);

/** The errors of every route a token's holder calls. */
const holderErrors = {
  404: errorResponse(
    `not a token this Rollcall signed (changed, cut short, over ${tokenLength} characters, or for a platform whose secret was rotated away), or its link no longer exists`,
    "share_link_invalid",
  ),
  410: errorResponse(
    "the link has expired, or has been revoked: a holder can do nothing with it",
    "share_link_expired",
    "share_link_revoked",
  ),
  429: rateLimited(
    `${SHARE_REQUESTS_PER_MINUTE} requests for shared reports a minute from one address, valid tokens or not`,
  ),
  503: unavailable,
};

const NO_CREDENTIALS =
  "No credentials but the token. The link's range and zone apply: range parameters in the query are ignored. Every answer carries `X-Robots-Tag: noindex, nofollow`.";

/** One read of the linked report by its token's holder. */
function holderRoute(
  name: string,
  summary: string,
  reply: ApiReply,
  more: Pick<ApiRoute, "query" | "errors"> = { errors: {} },
): ApiRoute {
  return {
    method: "get",
    path: `/api/v1/share/{token}${name}`,
    tag: "share",
    summary,
    description: NO_CREDENTIALS,
    auth: "none",
    params: tokenParams,
    ...(more.query ? { query: more.query } : {}),
    replies: { 200: reply },
    errors: { ...more.errors, ...holderErrors },
  };
}

const badFormat = { 400: errorResponse("format is neither json nor csv", "invalid_query") };

export const shareRoutes: ApiRoute[] = [
  {
    method: "get",
    path: "/api/v1/apps/{app}/share-links",
    tag: "share",
    summary: "The app's open share links, newest first (expired and revoked ones are left out)",
    description: "Anyone who may read the app's report sees and may revoke all of them.",
    auth: "viewer",
    params: appParams,
    replies: { 200: jsonReply("The open links", "ShareLinkList", shareLinkListSchema) },
    errors: { ...viewerErrors, 403: notYours },
  },
  {
    method: "post",
    path: "/api/v1/apps/{app}/share-links",
    tag: "share",
    summary:
      "Makes a read-only link to the app's Users report (range and zone fixed, the table only with includeTable)",
    description: `\`from\`/\`to\` only for range custom; \`expiresAt\` ISO 8601. A link lives ${minLifetimeMs / 60_000} minutes to ${maxLifetimeMs / 86_400_000} days; an app has at most ${liveLinksPerApp} open links. Send header ${CSRF_HEADER} with the session cookie.`,
    auth: "viewer",
    params: appParams,
    body: { schema: shareLinkRequestSchema, maxBytes: SHARE_LINK_BODY_BYTES },
    replies: { 201: jsonReply("The link", "ShareLinkInfo", shareLinkInfoSchema) },
    errors: {
      400: invalidBody("expiry out of bounds, a bad range, date or zone, a label too long"),
      ...viewerErrors,
      403: notYoursOrNoCsrf,
      404: errorResponse("no activity was ever seen in this app", "unknown_app"),
      409: errorResponse(`the app already has ${liveLinksPerApp} open links`, "conflict"),
      413: tooLarge(SHARE_LINK_BODY_BYTES),
      429: rateLimited(BODIES_PER_ADDRESS),
      503: unavailableReadingBodies,
    },
  },
  {
    method: "delete",
    path: "/api/v1/apps/{app}/share-links/{id}",
    tag: "share",
    summary:
      "Revokes a link at once, on every node: its page and API answer 410 share_link_revoked from then on",
    description: `Send header ${CSRF_HEADER} with the session cookie.`,
    auth: "viewer",
    params: appParams.extend({ id: z.string().describe("The link's id") }),
    replies: { 204: { description: "Revoked" } },
    errors: {
      ...viewerErrors,
      403: notYoursOrNoCsrf,
      404: errorResponse("no open link of this app has that id", "not_found"),
    },
  },
  holderRoute(
    "",
    "The report the link shows: its app, range, zone, whether the table is included, expiry",
    jsonReply("The report", "SharedReport", sharedReportSchema),
  ),
  holderRoute(
    "/summary",
    "The linked report's summary, as /apps/{app}/analytics/users/summary for its range and zone",
    {
      ...jsonReply("The counts", "UsersSummary", usersSummarySchema),
      media: { "text/csv": { description: "format=csv (or Accept: text/csv): the cards" } },
    },
    { query: formatParamsSchema, errors: badFormat },
  ),
  holderRoute(
    "/active-over-time",
    "The linked report's active users over time, for its range and zone",
    jsonReply("The points", "ActiveOverTime", activeOverTimeSchema),
  ),
  holderRoute(
    "/heatmap",
    "The linked report's access-times heatmap, for its range and zone",
    jsonReply("The cells", "Heatmap", heatmapSchema),
  ),
  holderRoute(
    "/table",
    "The linked report's user table (names, emails), JSON or CSV, only when the link was made with includeTable",
    {
      ...jsonReply(
        "One page of rows, as /apps/{app}/analytics/users/table",
        "UserTable",
        userTableSchema,
      ),
      media: {
        "text/csv": { description: "format=csv (or Accept: text/csv): the whole filtered table" },
      },
    },
    {
      query: tableParamsSchema.extend(formatParamsSchema.shape),
      errors: {
        400: errorResponse("a bad sort, filter, page or format", "invalid_query"),
        403: errorResponse("the link does not include the user table", "forbidden"),
      },
    },
  ),
];
