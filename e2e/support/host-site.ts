// A tiny host platform on its own origin: every page loads Rollcall's /tracker.js for the signed-in
// user (chosen by a cookie, as a real platform's session would) and navigates with history.pushState.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { BrowserContext } from "playwright-core";

/** The host platform's pages: path → title. Links among them use pushState, not page loads. */
export const HOST_PAGES = {
  "/": "Home | Math Mentor",
  "/lessons/algebra": "Algebra basics | Math Mentor",
  "/lessons/fractions": "Fractions | Math Mentor",
  "/quiz/3": "Quiz 3 | Math Mentor",
} as const;

export type HostPath = keyof typeof HOST_PAGES;

export const HOST_APP = "math-mentor";
const SESSION_COOKIE = "host_session";

export interface HostSite {
  /** `http://127.0.0.1:<port>`: another origin than Rollcall's. */
  origin: string;
  /** Signs `context` in as the user holding `trackerToken`: its pages embed that token. */
  signIn(context: BrowserContext, trackerToken: string): Promise<void>;
  url(path: HostPath): string;
  close(): Promise<void>;
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return rest.join("=");
  }
  return undefined;
}

function renderPage(rollcallOrigin: string, token: string, path: string): string {
  const title = HOST_PAGES[path as HostPath] ?? "Not found | Math Mentor";
  const links = Object.entries(HOST_PAGES)
    .map(
      ([href, linkTitle]) =>
        `<a href="${href}" data-nav data-title="${escapeHtml(linkTitle)}">${escapeHtml(linkTitle.split(" | ")[0] ?? href)}</a>`,
    )
    .join(" ");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<script src="${rollcallOrigin}/tracker.js" data-token="${escapeHtml(token)}" data-app="${HOST_APP}" async></script>
</head>
<body>
<nav>${links}</nav>
<main><h1 id="heading">${escapeHtml(title)}</h1><textarea id="notes" aria-label="Notes"></textarea></main>
<script>
  // A single-page app's router: pushState, then the new title.
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-nav]");
    if (!link) return;
    event.preventDefault();
    history.pushState({}, "", link.getAttribute("href"));
    document.title = link.dataset.title;
    document.getElementById("heading").textContent = link.dataset.title;
  });
</script>
</body>
</html>`;
}

export async function startHostSite(rollcallOrigin: string): Promise<HostSite> {
  const sessions = new Map<string, string>();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://host.invalid");
    if (req.method !== "GET" || url.pathname === "/favicon.ico") {
      res.writeHead(404).end();
      return;
    }
    const token = sessions.get(cookie(req, SESSION_COOKIE) ?? "");
    if (token === undefined) {
      res.writeHead(401, { "content-type": "text/plain" }).end("not signed in to the host");
      return;
    }
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
    res.end(renderPage(rollcallOrigin, token, url.pathname));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address !== "object") throw new Error("host site has no address");
  const origin = `http://127.0.0.1:${address.port}`;

  return {
    origin,
    async signIn(context, trackerToken) {
      const session = randomUUID();
      sessions.set(session, trackerToken);
      await context.addCookies([{ name: SESSION_COOKIE, value: session, url: origin }]);
    },
    url: (path) => `${origin}${path}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
