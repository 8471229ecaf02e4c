// Share links: viewers make, list and revoke them under /apps/:app/share-links; a token's holder reads one report.
import type { SharedReport, ShareLinkInfo, ShareLinkList } from "@rollcall/protocol";
import { parseFormat } from "../../analytics/analytics-query.js";
import { summaryToCsv } from "../../analytics/summary-csv.js";
import type { UsersAnalytics } from "../../analytics/users-analytics.js";
import type { ViewerAuth } from "../../auth/viewer-auth.js";
import { AppError, toAppError } from "../../errors/app-error.js";
import { reportOf, type ShareLinks } from "../../share/share-links.js";
import type { SendAppPage } from "../app-page.js";
import { readJson, sendJson } from "../http-io.js";
import { acceptsMediaType } from "../media-type.js";
import type { RequestContext, Router } from "../router.js";
import { sendCsv, sendUsersTable } from "./analytics-routes.js";

export interface ShareRoutesDeps {
  auth: ViewerAuth;
  links: ShareLinks;
  analytics: UsersAnalytics;
  /** The dashboard page, sent for /share/:token with the failure's status and code when it fails. */
  sendAppPage: SendAppPage;
}

/** Largest body of a request to make a link. */
export const SHARE_LINK_BODY_BYTES = 4_096;

/** Search engines keep out of shared reports, even when a link is posted somewhere public. */
const NO_INDEX = "noindex, nofollow";

export function addShareRoutes(router: Router, deps: ShareRoutesDeps): void {
  const managed = "/api/v1/apps/:app/share-links";

  router.on("GET", managed, async ({ req, res, params }) => {
    const viewer = await deps.auth.require(req);
    const body: ShareLinkList = { links: await deps.links.list(viewer, params.app!) };
    sendJson(res, 200, body);
  });

  router.on("POST", managed, async (ctx) => {
    const viewer = await deps.auth.require(ctx.req);
    const body = await readJson(ctx, SHARE_LINK_BODY_BYTES);
    const link: ShareLinkInfo = await deps.links.create(viewer, ctx.params.app!, body);
    sendJson(ctx.res, 201, link);
  });

  router.on("DELETE", `${managed}/:id`, async ({ req, res, params }) => {
    const viewer = await deps.auth.require(req);
    await deps.links.revoke(viewer, params.app!, params.id!);
    res.writeHead(204).end();
  });

  /** The open link a request's token names; every answer to its holder stays out of indexes. */
  const open = async ({ res, params }: RequestContext) => {
    res.setHeader("x-robots-tag", NO_INDEX);
    const link = await deps.links.open(params.token!);
    return { link, query: deps.links.queryOf(link) };
  };
  const shared = "/api/v1/share/:token";

  router.on("GET", shared, async (ctx) => {
    const { link } = await open(ctx);
    const report: SharedReport = reportOf(link);
    sendJson(ctx.res, 200, report);
  });

  router.on("GET", `${shared}/summary`, async (ctx) => {
    const { link, query } = await open(ctx);
    const format = parseFormat(
      ctx.url.searchParams,
      acceptsMediaType(ctx.req.headers.accept, "text/csv"),
    );
    const summary = await deps.analytics.summary(query);
    if (format === "csv") {
      sendCsv(ctx.res, summaryToCsv(summary, query), "summary", link.app, query);
      return;
    }
    sendJson(ctx.res, 200, summary);
  });

  router.on("GET", `${shared}/active-over-time`, async (ctx) => {
    sendJson(ctx.res, 200, await deps.analytics.activeOverTime((await open(ctx)).query));
  });

  router.on("GET", `${shared}/heatmap`, async (ctx) => {
    sendJson(ctx.res, 200, await deps.analytics.heatmap((await open(ctx)).query));
  });

  router.on("GET", `${shared}/table`, async (ctx) => {
    const { link, query } = await open(ctx);
    if (!link.includeTable) {
      throw new AppError("forbidden", "this share link does not include the user table");
    }
    await sendUsersTable(ctx, deps.analytics, query, link.app);
  });

  // The page itself: a browser whose link fails gets the app with the failure's status and code,
  // and the page says what happened; no session is asked for or started.
  router.on("GET", "/share/:token", async (ctx) => {
    ctx.res.setHeader("x-robots-tag", NO_INDEX);
    try {
      await deps.links.open(ctx.params.token!);
    } catch (error) {
      const failure = toAppError(error);
      if (!failure || !acceptsMediaType(ctx.req.headers.accept, "text/html")) throw error;
      deps.sendAppPage(ctx.res, failure.status, failure.code);
      return;
    }
    deps.sendAppPage(ctx.res);
  });
}
