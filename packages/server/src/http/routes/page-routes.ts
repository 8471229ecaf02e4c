// Pages and files: the dashboard app (viewers only) and /tracker.js.
import { join } from "node:path";
import type { ViewerAuth } from "../../auth/viewer-auth.js";
import { loadAppPage } from "../app-page.js";
import { redirect, sendJson } from "../http-io.js";
import type { RequestContext, Router } from "../router.js";
import { sendFile } from "../static-files.js";

export interface PageRoutesDeps {
  auth: ViewerAuth;
  dashboardDir: string;
  trackerDir: string;
}

/** Paths of the single-page app; all but the public ones need a signed-in viewer. */
const APP_PAGES = ["/", "/wall", "/login", "/signed-out", "/analytics", "/analytics/:app"];
/** The sign-in page, and the page that tells a viewer who signed out how to come back. */
const PUBLIC_PAGES = new Set(["/login", "/signed-out"]);

export function addPageRoutes(router: Router, deps: PageRoutesDeps): void {
  const sendAppPage = loadAppPage(deps.dashboardDir);

  const sendApp = async (ctx: RequestContext) => {
    const { req, res, url } = ctx;
    if (!PUBLIC_PAGES.has(url.pathname) && !(await deps.auth.identify(req).catch(() => null))) {
      redirect(res, `/login?next=${encodeURIComponent(url.pathname + url.search)}`);
      return;
    }
    sendAppPage(res);
  };
  for (const page of APP_PAGES) router.on("GET", page, sendApp);

  router.on("GET", "/assets/:file", ({ req, res, params }) => {
    if (
      !sendFile(req, res, join(deps.dashboardDir, "assets"), params.file!, {
        cacheControl: "public, max-age=31536000, immutable",
      })
    ) {
      sendJson(res, 404, { error: { code: "not_found", message: "no such asset" } });
    }
  });

  router.on("GET", "/favicon.svg", ({ req, res }) => {
    const options = { cacheControl: "public, max-age=86400" };
    if (!sendFile(req, res, deps.dashboardDir, "favicon.svg", options)) {
      res.writeHead(404).end();
    }
  });

  // Every page of the host platform loads it: gzipped, it is the size the README promises.
  router.on("GET", "/tracker.js", ({ req, res }) => {
    const options = {
      cacheControl: "public, max-age=300",
      headers: { "access-control-allow-origin": "*" },
    };
    if (!sendFile(req, res, deps.trackerDir, "tracker.js", options)) {
      sendJson(res, 503, {
        error: { code: "unavailable", message: "tracker is not built yet: run npm run build" },
      });
    }
  });
}
