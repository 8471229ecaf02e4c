// Error codes and the JSON error body every endpoint answers with.
import { z } from "zod";

/** Stable error codes; the HTTP status of each is fixed. */
export const ERROR_STATUS = {
  bad_request: 400,
  invalid_body: 400,
  invalid_query: 400,
  unauthorized: 401,
  token_invalid: 401,
  token_expired: 401,
  forbidden: 403,
  csrf: 403,
  not_found: 404,
  unknown_app: 404,
  share_link_invalid: 404,
  method_not_allowed: 405,
  conflict: 409,
  request_timeout: 408,
  share_link_expired: 410,
  share_link_revoked: 410,
  payload_too_large: 413,
  unprocessable: 422,
  rate_limited: 429,
  headers_too_large: 431,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export const ERROR_CODES = Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]];

/** The error body, its code one of `codes` (every code by default). */
export function errorBodySchema(codes: readonly [ErrorCode, ...ErrorCode[]] = ERROR_CODES) {
  return z.object({
    error: z.object({
      code: z.enum(codes).describe("Stable code; README lists them"),
      message: z.string().describe("Names the field: `events[3].name: …`"),
    }),
  });
}
export type ErrorBody = z.infer<ReturnType<typeof errorBodySchema>>;
