// Error codes and the JSON error body every endpoint answers with.

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

export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}
