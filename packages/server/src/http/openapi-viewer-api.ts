// The API description of the viewers' reads: Connected users (presence) and Users analytics.
import {
  activeOverTimeSchema,
  appsResponseSchema,
  heatmapSchema,
  presenceResponseSchema,
  userDetailResponseSchema,
  usersSummarySchema,
  userTableSchema,
} from "@rollcall/protocol";
import { z } from "zod";
import {
  formatParamsSchema,
  rangeParamsSchema,
  tableParamsSchema,
} from "../analytics/analytics-query.js";
import { STREAMS_PER_VIEWER } from "../live/presence-feed.js";
import { presenceQuerySchema } from "../presence/read-model/presence-query.js";
import { errorResponse, rateLimited, viewerErrors } from "./openapi-errors.js";
import { type ApiRoute, jsonReply } from "./openapi-route.js";
import { userDetailQuerySchema } from "./routes/presence-routes.js";

const forbiddenToInstructors = errorResponse(
  "instructors may not see the Connected users page",
  "forbidden",
);

/** The `{app}` of the routes under /api/v1/apps. */
export const appParams = z.object({
  app: z.string().describe("App id, or `_all` for the whole platform (owners and admins)"),
});

const analyticsErrors = {
  400: errorResponse("invalid range, dates, time zone or filter", "invalid_query"),
  ...viewerErrors,
  403: errorResponse("not one of the viewer's apps, or `_all` for an instructor", "forbidden"),
  404: errorResponse(
    "no page view or event of this app has ever been seen on the platform (`_all` always answers)",
    "unknown_app",
  ),
};

/** One of the four Users analytics reads of an app. */
function analyticsRoute(
  name: string,
  summary: string,
  reply: ApiRoute["replies"][number],
  query: z.ZodObject = rangeParamsSchema,
): ApiRoute {
  return {
    method: "get",
    path: `/api/v1/apps/{app}/analytics/users/${name}`,
    tag: "analytics",
    summary,
    auth: "viewer",
    params: appParams,
    query,
    replies: { 200: reply },
    errors: analyticsErrors,
  };
}

export const viewerApiRoutes: ApiRoute[] = [
  {
    method: "get",
    path: "/api/v1/presence",
    tag: "presence",
    summary: "Connected users: summary and one page of rows, online first",
    description:
      "`q` matches name, email or current page, ignoring case and accents. `format=csv` (or Accept: text/csv) answers every row the filters keep, times in `tz` with its offset.",
    auth: "viewer",
    query: presenceQuerySchema,
    replies: {
      200: {
        ...jsonReply("One page of users", "PresenceResponse", presenceResponseSchema),
        media: { "text/csv": { description: "format=csv: every row the filters keep" } },
      },
    },
    errors: {
      400: errorResponse("a query parameter is out of bounds", "invalid_query"),
      ...viewerErrors,
      403: forbiddenToInstructors,
    },
  },
  {
    method: "get",
    path: "/api/v1/presence/stream",
    tag: "presence",
    summary: "Connected users, live: Server-Sent Events",
    description:
      "One `snapshot` event (PresenceSnapshotEvent: every user), then coalesced `change` events (PresenceChangeEvent: upserts, removes, summary, seq); gzip-compressed when Accept-Encoding allows it.",
    auth: "viewer",
    replies: {
      200: {
        description: "The event stream",
        media: { "text/event-stream": { description: "`snapshot`, then `change` events" } },
      },
    },
    errors: {
      ...viewerErrors,
      403: forbiddenToInstructors,
      429: rateLimited(
        `${STREAMS_PER_VIEWER} open streams per viewer and platform; close one (a dashboard tab, or its Live setting) first`,
      ),
    },
  },
  {
    method: "get",
    path: "/api/v1/presence/users/{id}",
    tag: "presence",
    summary: "One user's open tabs and devices, today's sessions and recent page trail",
    auth: "viewer",
    params: z.object({ id: z.string().describe("The platform user's id") }),
    query: userDetailQuerySchema,
    replies: {
      200: jsonReply("The user's detail", "UserDetailResponse", userDetailResponseSchema),
    },
    errors: {
      400: errorResponse("tz is not an IANA time zone", "invalid_query"),
      ...viewerErrors,
      403: forbiddenToInstructors,
      404: errorResponse("no such user", "not_found"),
    },
  },
  {
    method: "get",
    path: "/api/v1/apps",
    tag: "analytics",
    summary: "Apps the viewer may see: id, name, users with any activity, last activity",
    auth: "viewer",
    replies: { 200: jsonReply("The apps", "AppsResponse", appsResponseSchema) },
    errors: viewerErrors,
  },
  analyticsRoute(
    "summary",
    "Users analytics: currently online, active in 30 days, total registered, active in range, and the period before",
    {
      ...jsonReply("The counts", "UsersSummary", usersSummarySchema),
      media: {
        "text/csv": {
          description:
            "format=csv: the cards, each count with the period before's and the change, named rollcall-summary_<app>_<first>_to_<last>_<zone>_generated-<time>.csv",
        },
      },
    },
    rangeParamsSchema.extend(formatParamsSchema.shape),
  ),
  analyticsRoute(
    "active-over-time",
    "Users analytics: distinct active users per hour, day or week; every bucket present",
    jsonReply("The points", "ActiveOverTime", activeOverTimeSchema),
  ),
  analyticsRoute(
    "heatmap",
    "Users analytics: 168 cells (weekday 1 = Monday … 7, local hour), average = total ÷ occurrences",
    jsonReply("The cells", "Heatmap", heatmapSchema),
  ),
  analyticsRoute(
    "table",
    "Users analytics: the user table (messages sent, last active), filtered, sorted and paged",
    {
      ...jsonReply("One page of rows", "UserTable", userTableSchema),
      media: {
        "text/csv": {
          description:
            "format=csv: the whole filtered table, times in tz with its offset, named rollcall-users_<app>_<first>_to_<last>_<zone>_generated-<time>.csv",
        },
      },
    },
    rangeParamsSchema.extend(tableParamsSchema.shape).extend(formatParamsSchema.shape),
  ),
];
