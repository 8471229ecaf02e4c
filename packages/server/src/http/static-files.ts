// Serves the built dashboard and tracker files from disk, with types and cache headers.
import { createReadStream, existsSync, statSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { extname, join, normalize, sep } from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".map": "application/json; charset=utf-8",
  ".woff2": "font/woff2",
};

/** Sends `root/relative` if it exists inside root; returns false when there is no such file. */
export function sendFile(
  res: ServerResponse,
  root: string,
  relative: string,
  cacheControl: string,
  extraHeaders: Record<string, string> = {},
): boolean {
  const path = normalize(join(root, relative));
  if (!path.startsWith(normalize(root) + sep) && path !== normalize(root)) return false;
  if (!existsSync(path)) return false;
  const stat = statSync(path);
  if (!stat.isFile()) return false;
  res.writeHead(200, {
    "content-type": TYPES[extname(path)] ?? "application/octet-stream",
    "content-length": stat.size,
    "cache-control": cacheControl,
    ...extraHeaders,
  });
  createReadStream(path).pipe(res);
  return true;
}
