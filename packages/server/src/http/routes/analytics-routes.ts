// Users analytics API: GET /apps and /apps/:app/analytics/users/{summary,active-over-time,heatmap,table}.
import type { ServerResponse } from "node:http";
import type { AppsResponse } from "@rollcall/protocol";
import {
  type AnalyticsCsvKind,
  analyticsCsvFileName,
  attachment,
} from "../../analytics/analytics-csv-name.js";
import {
  type AnalyticsQuery,
  buildAnalyticsQuery,
  parseFormat,
  parseTableParams,
  requireKnownApp,
} from "../../analytics/analytics-query.js";
import { summaryToCsv } from "../../analytics/summary-csv.js";
import type { UsersAnalytics } from "../../analytics/users-analytics.js";
import { usersToCsv } from "../../analytics/users-csv.js";
import type { ViewerAuth } from "../../auth/viewer-auth.js";
import type { Storage } from "../../storage/storage.js";
import { nullableIsoTime } from "../../storage/stored-time.js";
import { sendJson } from "../http-io.js";
import { acceptsMediaType } from "../media-type.js";
import type { RequestContext, Router } from "../router.js";

export interface AnalyticsRoutesDeps {
  auth: ViewerAuth;
  analytics: UsersAnalytics;
  storage: Storage;
  clock: () => number;
}

export function addAnalyticsRoutes(router: Router, deps: AnalyticsRoutesDeps): void {
  const query = async ({ req, url, params }: RequestContext) => {
    const viewer = await deps.auth.require(req);
    const built = buildAnalyticsQuery(viewer, params.app!, url.searchParams, deps.clock());
    await requireKnownApp(deps.storage, built.scope);
    return built;
  };
  const base = "/api/v1/apps/:app/analytics/users";

  router.on("GET", "/api/v1/apps", async ({ req, res }) => {
    const viewer = await deps.auth.require(req);
    const apps = await deps.storage.listApps(viewer.platform);
    const visible =
      viewer.apps === null
        ? apps
        : viewer.apps.map(
            (id) => apps.find((a) => a.id === id) ?? { id, users: 0, lastActivityAt: null },
          );
    const body: AppsResponse = {
      apps: visible.map((a) => ({
        id: a.id,
        name: a.id,
        users: a.users,
        lastActivityAt: nullableIsoTime(a.lastActivityAt),
      })),
      canSeeAll: viewer.apps === null,
    };
    sendJson(res, 200, body);
  });

  router.on("GET", `${base}/summary`, async (ctx) => {
    const analyticsQuery = await query(ctx);
    const format = parseFormat(
      ctx.url.searchParams,
      acceptsMediaType(ctx.req.headers.accept, "text/csv"),
    );
    const summary = await deps.analytics.summary(analyticsQuery);
    if (format === "csv") {
      const csv = summaryToCsv(summary, analyticsQuery);
      sendCsv(ctx.res, csv, "summary", ctx.params.app!, analyticsQuery);
      return;
    }
    sendJson(ctx.res, 200, summary);
  });

  router.on("GET", `${base}/active-over-time`, async (ctx) => {
    sendJson(ctx.res, 200, await deps.analytics.activeOverTime(await query(ctx)));
  });

  router.on("GET", `${base}/heatmap`, async (ctx) => {
    sendJson(ctx.res, 200, await deps.analytics.heatmap(await query(ctx)));
  });

  router.on("GET", `${base}/table`, async (ctx) => {
    await sendUsersTable(ctx, deps.analytics, await query(ctx), ctx.params.app!);
  });
}

/** The user table as JSON, or as CSV (format=csv, or Accept: text/csv) with its app, range and zone. */
export async function sendUsersTable(
  ctx: RequestContext,
  analytics: UsersAnalytics,
  analyticsQuery: AnalyticsQuery,
  app: string,
): Promise<void> {
  const wantsCsv = acceptsMediaType(ctx.req.headers.accept, "text/csv");
  const params = parseTableParams(ctx.url.searchParams, wantsCsv);
  const table = await analytics.table(analyticsQuery, params);
  if (params.format === "csv") {
    sendCsv(ctx.res, usersToCsv(table.users, analyticsQuery.tz), "users", app, analyticsQuery);
    return;
  }
  sendJson(ctx.res, 200, table);
}

/** A CSV download named after what it holds and its context (app, days, zone, when). */
export function sendCsv(
  res: ServerResponse,
  csv: string,
  kind: AnalyticsCsvKind,
  app: string,
  query: AnalyticsQuery,
): void {
  res.writeHead(200, {
    "content-type": "text/csv; charset=utf-8",
    "content-disposition": attachment(analyticsCsvFileName(kind, app, query)),
    "content-length": Buffer.byteLength(csv),
    "cache-control": "no-store",
  });
  res.end(csv);
}
