// The API docs: the OpenAPI document, and Swagger UI (from the swagger-ui-dist package) reading it.

import type { IncomingMessage, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { sendJson } from "../http-io.js";
import { openApiDocument } from "../openapi.js";
import type { Router } from "../router.js";
import { sendFile } from "../static-files.js";

const DOCUMENT_PATH = "/api/docs/openapi.json";

/** Swagger UI's files: served from the installed package, the same version as package-lock.json. */
const VIEWER_DIR = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
const VIEWER_FILES = new Set(["swagger-ui.css", "swagger-ui-bundle.js", "favicon-32x32.png"]);

/** Scripts and styles from this server only; Swagger UI sets inline styles, and images as data. */
const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Rollcall API</title>
<link rel="icon" href="/api/docs/viewer/favicon-32x32.png" type="image/png">
<link rel="stylesheet" href="/api/docs/viewer/swagger-ui.css">
</head>
<body>
<main id="api-docs"><noscript>The API description: <a href="${DOCUMENT_PATH}">${DOCUMENT_PATH}</a> (OpenAPI 3.1).</noscript></main>
<script src="/api/docs/viewer/swagger-ui-bundle.js"></script>
<script src="/api/docs/viewer/start.js"></script>
</body>
</html>
`;

/** Opens the document; no online validator badge (it would load an image from elsewhere). */
const START_SCRIPT = `window.ui = SwaggerUIBundle({
  url: ${JSON.stringify(DOCUMENT_PATH)},
  dom_id: "#api-docs",
  deepLinking: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
});
`;

function sendText(res: ServerResponse, type: string, body: string, csp?: string): void {
  res.writeHead(200, {
    "content-type": `${type}; charset=utf-8`,
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-cache",
    ...(csp ? { "content-security-policy": csp } : {}),
  });
  res.end(body);
}

function sendViewerFile(req: IncomingMessage, res: ServerResponse, file: string): void {
  const options = { cacheControl: "public, max-age=86400" };
  if (!VIEWER_FILES.has(file) || !sendFile(req, res, VIEWER_DIR, file, options)) {
    sendJson(res, 404, { error: { code: "not_found", message: "no such file" } });
  }
}

export function addDocsRoutes(router: Router): void {
  router.on("GET", "/api/docs", ({ res }) => sendText(res, "text/html", PAGE, DOCS_CSP));
  router.on("GET", DOCUMENT_PATH, ({ res }) => sendJson(res, 200, openApiDocument));
  router.on("GET", "/api/docs/viewer/start.js", ({ res }) =>
    sendText(res, "text/javascript", START_SCRIPT),
  );
  router.on("GET", "/api/docs/viewer/:file", ({ req, res, params }) =>
    sendViewerFile(req, res, params.file!),
  );
}
