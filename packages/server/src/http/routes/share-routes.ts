// Share links: viewers make, list and revoke them under /apps/:app/share-links; a token's holder reads one report.
import type { SharedReport, ShareLinkInfo, ShareLinkList } from "@rollcall/protocol";
import { parseFormat } from "../../analytics/analytics-query.js";
import { summaryToCsv } from "../../analytics/summary-csv.js";
import type { UsersAnalytics } from "../../analytics/users-analytics.js";
import { AddressLimiter } from "../../auth/address-limiter.js";
import type { ViewerAuth } from "../../auth/viewer-auth.js";
import { AppError, toAppError } from "../../errors/app-error.js";
import { reportOf, type ShareLinks } from "../../share/share-links.js";
import type { SendAppPage } from "../app-page.js";
import type { ClientOrigin } from "../client-origin.js";
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
  origin: ClientOrigin;
  clock: () => number;
}

/** Largest body of a request to make a link. */
export const SHARE_LINK_BODY_BYTES = 4_096;

/**
 * Requests for shared reports (pages and their API) per client address per minute, valid or
 * not: a view of the page makes five, so a class behind one address can open a link together,
 * while one address cannot make the server check tokens or count analytics without end.
 */
export const SHARE_REQUESTS_PER_MINUTE = 600;

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

  const holders = new AddressLimiter(SHARE_REQUESTS_PER_MINUTE, 60_000, deps.clock);
  /** Counts a request for a shared report against its address; refuses it past the limit. */
  const admit = ({ req, res }: RequestContext) => {
    const wait = holders.hit(deps.origin.addressOf(req));
    if (wait > 0) {
      res.setHeader("retry-after", String(wait));
      throw new AppError(
        "rate_limited",
        `too many requests for shared reports from this address; try again in ${wait} s`,
      );
    }
  };

  /** The open link a request's token names; every answer to its holder stays out of indexes. */
  const open = async (ctx: RequestContext) => {
    const { res, params } = ctx;
    res.setHeader("x-robots-tag", NO_INDEX);
    admit(ctx);
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
      admit(ctx);
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
