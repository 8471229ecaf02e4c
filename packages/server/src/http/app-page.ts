// The dashboard's one HTML page: sent for its routes, and with a failure's code for a browser's /embed.
import { existsSync, readFileSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { join } from "node:path";
import type { ErrorCode } from "@rollcall/protocol";
import { PAGE_CSP } from "./http-io.js";

const NOT_BUILT =
  "<!doctype html><title>Rollcall</title><p>The dashboard is not built yet: run <code>npm run build</code>.</p>";

/** Sends the page with `status`; `failure` names what went wrong for the page to explain. */
export type SendAppPage = (res: ServerResponse, status?: number, failure?: ErrorCode) => void;

export function loadAppPage(dashboardDir: string): SendAppPage {
  const indexFile = join(dashboardDir, "index.html");
  const html = existsSync(indexFile) ? readFileSync(indexFile, "utf8") : NOT_BUILT;
  return (res, status = 200, failure) => {
    // The code is one of a fixed set of identifiers ([a-z_]), so it needs no escaping.
    const meta = failure ? `<meta name="rollcall-failure" content="${failure}" />\n` : "";
    const body = !meta
      ? html
      : html.includes("</head>")
        ? html.replace("</head>", `${meta}</head>`)
        : meta + html;
    res.writeHead(status, {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "content-security-policy": PAGE_CSP,
    });
    res.end(body);
  };
}
