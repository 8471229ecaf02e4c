// Tells a database that cannot be reached (down, restarting, unreachable) from a failed statement.

/** Socket errors: the database is not there, or the connection to it broke. */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/**
 * PostgreSQL SQLSTATEs of a server going away or not taking connections: admin shutdown (a
 * fast or immediate stop), crash shutdown, cannot connect now (starting up or recovering), too
 * many connections. Class 08 (connection exception) is matched as a whole.
 */
const SERVER_CODES = new Set(["57P01", "57P02", "57P03", "53300"]);

/** node-postgres reports a lost or never-made connection by message only. */
const CLIENT_MESSAGES = [
  "Connection terminated",
  "timeout exceeded when trying to connect",
  "is not queryable",
];

/**
 * True when the error says the database could not be reached, so the request may be retried
 * as it is (HTTP 503 `unavailable`); false for errors of the statement itself, which are bugs.
 */
export function isStorageUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  // Node reports a refused dual-stack connect as an AggregateError of one error per address.
  if (error instanceof AggregateError && error.errors.some(isStorageUnavailable)) return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") {
    if (NETWORK_CODES.has(code) || SERVER_CODES.has(code)) return true;
    if (/^08[0-9A-Z]{3}$/.test(code)) return true;
  }
  return CLIENT_MESSAGES.some((message) => error.message.includes(message));
}
