// Error answers of the API description, each naming its codes and the limit the code enforces.
import { ERROR_STATUS, type ErrorCode } from "@rollcall/protocol";
import { HTTP_LIMITS } from "./http-limits.js";

export interface ErrorResponse {
  description: string;
  /** The codes this answer may carry, all of one status. */
  codes: [ErrorCode, ...ErrorCode[]];
  /** 429 and 503 from an HTTP handler carry Retry-After; a refused WebSocket upgrade does not. */
  hasRetryAfter: boolean;
}

/** An answer for `codes` (all of one status), e.g. `errorResponse("Bad query", "invalid_query")`. */
export function errorResponse(
  description: string,
  ...codes: [ErrorCode, ...ErrorCode[]]
): ErrorResponse {
  const statuses = new Set(codes.map((code) => ERROR_STATUS[code]));
  if (statuses.size !== 1) throw new Error(`codes of different statuses: ${codes.join(", ")}`);
  const named = codes.map((code) => `\`${code}\``).join(", ");
  return {
    description: `${named}: ${description}`,
    codes,
    hasRetryAfter: statuses.has(429) || statuses.has(503),
  };
}

/** The same answer without Retry-After: the WebSocket upgrade is answered before any handler. */
export function withoutRetryAfter(response: ErrorResponse): ErrorResponse {
  return { ...response, hasRetryAfter: false };
}

/** "4 MB", "16 KB": how SECURITY.md writes sizes, plus the exact bytes. */
export function formatBytes(bytes: number): string {
  const size =
    bytes >= 1_048_576
      ? `${Number((bytes / 1_048_576).toFixed(2))} MB`
      : `${Number((bytes / 1024).toFixed(1))} KB`;
  return `${size} (${bytes.toLocaleString("en-US")} bytes)`;
}

/** 400 for a JSON body: not JSON, wrong content type, or a field out of bounds. */
export const invalidBody = (what: string) =>
  errorResponse(
    `${what}, the message naming the field (\`events[3].name: …\`); or a body that is not JSON`,
    "invalid_body",
    "bad_request",
  );

export const tooLarge = (bytes: number) =>
  errorResponse(`body over ${formatBytes(bytes)}`, "payload_too_large");

export const rateLimited = (limit: string) =>
  errorResponse(`over ${limit}; retry after Retry-After seconds`, "rate_limited");

export const noViewer = errorResponse(
  "no viewer token or session, or the token is invalid or expired",
  "unauthorized",
  "token_invalid",
  "token_expired",
);

export const noPlatformSecret = errorResponse(
  "Authorization is not `Bearer <platform secret>` of any platform",
  "unauthorized",
);

/** Every route may answer 503: while the server drains, or when storage or Redis is unreachable. */
export const unavailable = errorResponse(
  "shutting down, or the database or Redis is unreachable; nothing was accepted, retry as is",
  "unavailable",
);

/** The errors of every viewer route. */
export const viewerErrors = { 401: noViewer, 503: unavailable };

/** The share of the body budget (body-budget.ts) one client address has: a 429 beside others. */
export const BODIES_PER_ADDRESS = `${formatBytes(HTTP_LIMITS.bodyBytesPerAddress)} of request bodies being read at once from one client address`;

/** A route that reads a body: it may also get 503 when the server reads its whole body budget. */
export const unavailableReadingBodies = errorResponse(
  `shutting down, the database or Redis is unreachable, or the server is already reading ${formatBytes(HTTP_LIMITS.bodyBytesInFlight)} of request bodies; nothing was accepted, retry as is`,
  "unavailable",
);
