// Serves the built dashboard and tracker files from disk, with types, cache headers and gzip.
import { createReadStream, existsSync, readFileSync, statSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { gzipSync } from "node:zlib";
import { acceptsGzip } from "./content-coding.js";

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

/** Text types, worth compressing (the dashboard's script: 349 KB, 115 KB gzipped). */
const COMPRESSIBLE = new Set([".html", ".js", ".mjs", ".css", ".json", ".svg", ".map"]);

/** Files served so far, compressed once per version (path, size and mtime): a handful of them. */
const gzipped = new Map<string, { size: number; mtimeMs: number; body: Buffer }>();

export interface SendFileOptions {
  cacheControl: string;
  headers?: Record<string, string>;
}

/**
 * Sends `root/relative` if it exists inside root, gzip-compressed (text files) when the request
 * accepts it; returns false when there is no such file.
 */
export function sendFile(
  req: IncomingMessage,
  res: ServerResponse,
  root: string,
  relative: string,
  options: SendFileOptions,
): boolean {
  const path = normalize(join(root, relative));
  if (!path.startsWith(normalize(root) + sep) && path !== normalize(root)) return false;
  if (!existsSync(path)) return false;
  const stat = statSync(path);
  if (!stat.isFile()) return false;
  const isCompressible = COMPRESSIBLE.has(extname(path));
  const headers = {
    "content-type": TYPES[extname(path)] ?? "application/octet-stream",
    "cache-control": options.cacheControl,
    ...(isCompressible ? { vary: "accept-encoding" } : {}),
    ...options.headers,
  };
  if (isCompressible && acceptsGzip(req.headers["accept-encoding"])) {
    let cached = gzipped.get(path);
    if (!cached || cached.size !== stat.size || cached.mtimeMs !== stat.mtimeMs) {
      cached = {
        size: stat.size,
        mtimeMs: stat.mtimeMs,
        body: gzipSync(readFileSync(path), { level: 9 }),
      };
      gzipped.set(path, cached);
    }
    res.writeHead(200, {
      ...headers,
      "content-encoding": "gzip",
      "content-length": cached.body.length,
    });
    res.end(cached.body);
    return true;
  }
  res.writeHead(200, { ...headers, "content-length": stat.size });
  createReadStream(path).pipe(res);
  return true;
}
