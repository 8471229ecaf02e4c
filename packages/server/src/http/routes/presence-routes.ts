// Connected users API: GET /presence, its SSE stream and one user's detail.
import type { PresenceResponse, UserDetailResponse, Viewer } from "@rollcall/protocol";
import { z } from "zod";
import { isValidTimeZone } from "../../analytics/zoned-time.js";
import type { ViewerAuth } from "../../auth/viewer-auth.js";
import { AppError, describeIssues, toAppError } from "../../errors/app-error.js";
import type { PresenceFeed } from "../../live/presence-feed.js";
import type { PresenceBoard } from "../../presence/read-model/presence-board.js";
import { presenceCsvFileName, presenceToCsv } from "../../presence/read-model/presence-csv.js";
import { presenceQuerySchema } from "../../presence/read-model/presence-query.js";
import { acceptsGzip } from "../content-coding.js";
import { sendJson } from "../http-io.js";
import { acceptsMediaType } from "../media-type.js";
import type { Router } from "../router.js";

export interface PresenceRoutesDeps {
  auth: ViewerAuth;
  board: PresenceBoard;
  feed: PresenceFeed;
  clock: () => number;
  /** How often an open stream's credentials are checked again (STREAM_RECHECK_MS; tests lower it). */
  streamRecheckMs?: number;
}

/**
 * An open live stream outlives no credentials: every 30 s its session (or viewer token) is
 * checked again, and a revoked or expired one ends the stream (the dashboard's reconnect then
 * gets 401 and signs out).
 */
export const STREAM_RECHECK_MS = 30_000;

/** GET /presence/users/:id: the zone of "today" (its sessions). */
export const userDetailQuerySchema = z.object({
  tz: z.string().min(1).max(64).default("UTC").describe("IANA time zone of the viewer"),
});

/** The Connected users page is for owners and admins. */
function requirePresenceViewer(viewer: Viewer): void {
  if (viewer.role === "instructor") {
    throw new AppError("forbidden", "the Connected users page is for owners and admins");
  }
}

export function addPresenceRoutes(router: Router, deps: PresenceRoutesDeps): void {
  router.on("GET", "/api/v1/presence", async ({ req, res, url }) => {
    const viewer = await deps.auth.require(req);
    requirePresenceViewer(viewer);
    const parsed = presenceQuerySchema.safeParse(Object.fromEntries(url.searchParams));
    if (!parsed.success) {
      throw new AppError("invalid_query", describeIssues(parsed.error.issues, "query"));
    }
    const format =
      parsed.data.format ?? (acceptsMediaType(req.headers.accept, "text/csv") ? "csv" : "json");
    if (format === "csv") {
      const { tz } = parsed.data;
      if (!isValidTimeZone(tz))
        throw new AppError("invalid_query", "query.tz: not an IANA time zone");
      const csv = presenceToCsv(deps.board.queryAll(viewer.platform, parsed.data), tz);
      res.writeHead(200, {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${presenceCsvFileName(viewer.platform, tz, deps.clock())}"`,
        "content-length": Buffer.byteLength(csv),
        "cache-control": "no-store",
      });
      res.end(csv);
      return;
    }
    const page = deps.board.query(viewer.platform, parsed.data);
    const body: PresenceResponse = {
      updatedAt: new Date(deps.clock()).toISOString(),
      summary: await deps.board.freshSummary(viewer.platform),
      users: page.users,
      matched: page.matched,
      nextCursor: page.nextCursor,
    };
    sendJson(res, 200, body);
  });

  router.on("GET", "/api/v1/presence/stream", async ({ req, res }) => {
    const viewer = await deps.auth.require(req);
    requirePresenceViewer(viewer);
    const encoding = acceptsGzip(req.headers["accept-encoding"]) ? "gzip" : "identity";
    if (!(await deps.feed.subscribe(viewer.platform, viewer.id, res, encoding))) {
      // The dashboard retries on its own backoff (1 s up to 30 s); this says when it is worth it.
      res.setHeader("retry-after", "30");
      throw new AppError(
        "rate_limited",
        `this viewer already has ${deps.feed.maxStreamsPerViewer} live streams open; close a dashboard tab (or turn its Live setting off) and retry`,
      );
    }
    const recheck = setInterval(() => {
      deps.auth.identify(req).then(
        (found) => {
          if (!found) res.end();
        },
        // Refused credentials end it; storage out of reach does not (that is not the viewer's doing).
        (error: unknown) => {
          if (toAppError(error)?.status === 401) res.end();
        },
      );
    }, deps.streamRecheckMs ?? STREAM_RECHECK_MS);
    recheck.unref();
    res.once("close", () => clearInterval(recheck));
  });

  router.on("GET", "/api/v1/presence/users/:id", async ({ req, res, params, url }) => {
    const viewer = await deps.auth.require(req);
    requirePresenceViewer(viewer);
    const parsed = userDetailQuerySchema.safeParse(Object.fromEntries(url.searchParams));
    if (!parsed.success) {
      throw new AppError("invalid_query", describeIssues(parsed.error.issues, "query"));
    }
    const { tz } = parsed.data;
    if (!isValidTimeZone(tz))
      throw new AppError("invalid_query", "query.tz: not an IANA time zone");
    const detail: UserDetailResponse | null = await deps.board.detail(
      viewer.platform,
      params.id!,
      tz,
    );
    if (!detail)
      throw new AppError("not_found", `no user "${params.id!.slice(0, 64)}" on this platform`);
    sendJson(res, 200, detail);
  });
}
