// Serves the built dashboard and tracker files from disk, with types, cache headers and gzip.
import { existsSync, readFileSync, statSync } from "node:fs";
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

/**
 * Files served so far, read once per version (path, size and mtime) and compressed once if they
 * are text: a handful of them, ~0.5 MB. A request opens no file then, so none can fail to open
 * one (out of file descriptors, a stream error with nobody listening) once the server is warm.
 */
const files = new Map<
  string,
  { size: number; mtimeMs: number; body: Buffer; gzip: Buffer | null }
>();

export interface SendFileOptions {
  cacheControl: string;
  headers?: Record<string, string>;
}

/**
 * Sends `root/relative` if it exists inside root, gzip-compressed (text files) when the request
 * accepts it; returns false when there is no such file. Throws when the file cannot be read
 * (`EMFILE`: toAppError makes it a 503).
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
  let file = files.get(path);
  if (!file || file.size !== stat.size || file.mtimeMs !== stat.mtimeMs) {
    file = { size: stat.size, mtimeMs: stat.mtimeMs, body: readFileSync(path), gzip: null };
    files.set(path, file);
  }
  if (isCompressible && acceptsGzip(req.headers["accept-encoding"])) {
    file.gzip ??= gzipSync(file.body, { level: 9 });
    res.writeHead(200, {
      ...headers,
      "content-encoding": "gzip",
      "content-length": file.gzip.length,
    });
    res.end(file.gzip);
    return true;
  }
  res.writeHead(200, { ...headers, "content-length": file.body.length });
  res.end(file.body);
  return true;
}
