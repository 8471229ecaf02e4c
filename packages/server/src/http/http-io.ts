// Reading bounded JSON bodies and writing JSON, errors and security headers.
import { type IncomingMessage, type ServerResponse, STATUS_CODES } from "node:http";
import { AppError } from "../errors/app-error.js";
import { BODY_RETRY_AFTER_SECONDS, type BodyBudget, CHUNK_COST_BYTES } from "./body-budget.js";
import { mediaTypeOf } from "./media-type.js";
import { findNulCharacterInJson } from "./nul-characters.js";

export const MAX_BODY_BYTES = 1_048_576;

/** What reading a body needs: the request, its response (a refusal's headers) and the budget. */
export interface BodyContext {
  req: IncomingMessage;
  res: ServerResponse;
  bodies: BodyBudget;
}

/**
 * Reads and parses a JSON body of at most `limit` bytes, its bytes charged to `ctx.bodies`
 * while it is read (429 or 503 with Retry-After when they do not fit, then the connection closes).
 */
export async function readJson(ctx: BodyContext, limit = MAX_BODY_BYTES): Promise<unknown> {
  const { req } = ctx;
  const type = mediaTypeOf(req.headers["content-type"]);
  // sendBeacon can only post text/plain.
  if (type !== "application/json" && type !== "text/plain") {
    throw new AppError("bad_request", "content-type must be application/json");
  }
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limit) throw new AppError("payload_too_large", `body is over ${limit} bytes`);
  const text = await readBody(ctx, limit, declared);
  if (text.length === 0) throw new AppError("bad_request", "body is empty; send JSON");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError("bad_request", "body is not valid JSON");
  }
  const nulAt = findNulCharacterInJson(text, value, "body");
  if (nulAt) throw new AppError("invalid_body", `${nulAt}: contains a NUL character (\\u0000)`);
  return value;
}

/**
 * The body as text, read with listeners rather than `for await` (its iterator and promises were
 * ~4 % of a one-event request's CPU). Over `limit`, reading stops and it fails with
 * `payload_too_large`: the 413 goes out with `connection: close` (http-server.ts), and the
 * connection closes once it has been sent. Destroying the request here would reset the
 * connection before the client could read why. The `declared` length is charged to the budget
 * before a byte is read (refused at once if it does not fit); a chunked body's bytes, and what
 * each chunk costs beyond them, as they arrive; all of it is given back when the read settles.
 */
function readBody(ctx: BodyContext, limit: number, declared: number): Promise<string> {
  const { req, bodies } = ctx;
  // Listeners added after the end would wait forever.
  if (req.readableEnded) return Promise.resolve("");
  if (req.destroyed) return Promise.reject(closedEarly());
  const hold = bodies.open(bodies.addressOf(req));
  const refusal = bodies.take(hold, declared);
  if (refusal) {
    bodies.close(hold, 0);
    return Promise.reject(refuse(ctx, refusal));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // Charged to the budget so far, and what the chunks read cost.
    let reserved = declared;
    let cost = 0;
    const settle = (error: Error | null) => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", settle);
      req.off("close", onClose);
      bodies.close(hold, reserved);
      if (error) reject(error);
      else resolve(Buffer.concat(chunks, size).toString("utf8"));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        settle(new AppError("payload_too_large", `body is over ${limit} bytes`));
        req.pause();
        return;
      }
      cost += chunk.length + CHUNK_COST_BYTES;
      if (cost > reserved) {
        const over = bodies.take(hold, cost - reserved);
        if (over) {
          settle(refuse(ctx, over));
          req.pause();
          return;
        }
        reserved = cost;
      }
      chunks.push(chunk);
    };
    const onEnd = () => settle(null);
    const onClose = () => settle(closedEarly());
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", settle);
    req.on("close", onClose);
  });
}

/** A body the budget has no room for: answered with Retry-After, then the connection closes. */
function refuse(ctx: BodyContext, refusal: AppError): AppError {
  ctx.res.setHeader("retry-after", String(BODY_RETRY_AFTER_SECONDS));
  // The rest of the body is not read, as after a 413.
  ctx.res.setHeader("connection", "close");
  return refusal;
}

const closedEarly = () => new Error("the request closed before its body was read");

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store",
  });
  res.end(text);
}

export function sendError(res: ServerResponse, error: AppError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, error.status, error.toBody());
}

/**
 * A whole HTTP/1.1 response carrying `error`, for a raw socket that no ServerResponse owns (a
 * connection refused as it is accepted, a request the parser gave up on); it closes the connection.
 */
export function rawErrorResponse(error: AppError, headers: Record<string, string> = {}): string {
  const body = JSON.stringify(error.toBody());
  const lines = [
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? "Error"}`,
    "connection: close",
    "content-type: application/json; charset=utf-8",
    `content-length: ${Buffer.byteLength(body)}`,
    "cache-control: no-store",
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  return `${lines.join("\r\n")}\r\n\r\n${body}`;
}

export function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { location, "cache-control": "no-store" });
  res.end();
}

/** Headers every response carries; pages also get a strict CSP. */
export function setSecurityHeaders(res: ServerResponse): void {
  res.setHeader("x-content-type-options", "nosniff");
  res.setHeader("referrer-policy", "same-origin");
}

export const PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors *; base-uri 'none'; form-action 'self'";
