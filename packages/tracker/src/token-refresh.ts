// When to ask the page for a fresh user token: a little before the current one expires.

/** Asked at most this long before expiry… */
const MARGIN_MS = 60_000;
/** …or when nine tenths of the token's life are gone, for tokens that live only minutes. */
const MARGIN_SHARE = 0.1;
/** setTimeout fires at once beyond 2³¹ − 1 ms; asking early is harmless, asking in a loop is not. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/**
 * Delay in ms from `now` until the tracker should ask for a fresh token expiring at `expiresAt`
 * (ms since the epoch, the welcome's `tokenExpiresAt`) that it has held `since`: 0 when that time
 * has come, undefined when the expiry is unknown. The margin comes from the token's whole life,
 * so asking again later (every HTTP batch brings a welcome) gives the same moment.
 */
export function refreshDelay(expiresAt: unknown, now: number, since = now): number | undefined {
  if (typeof expiresAt !== "number" || !(expiresAt < Infinity)) return undefined;
  const margin = Math.min(MARGIN_MS, (expiresAt - since) * MARGIN_SHARE);
  return Math.min(MAX_DELAY_MS, Math.max(0, expiresAt - margin - now));
}
