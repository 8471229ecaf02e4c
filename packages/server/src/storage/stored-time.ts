// Stored times (epoch milliseconds) as ISO 8601, whatever a data file holds: never a throw.

/** The furthest a JavaScript Date reaches either side of the epoch (±275,760 years). */
export const DATE_LIMIT_MS = 8.64e15;

/**
 * ISO 8601 (UTC) of a stored time, clamped into the range a Date can show. Times Rollcall stores
 * are bounded (EventTimeBounds), but a file written before the bounds, or by hand, may hold any
 * number: reading it must not fail a page, an export or an erasure. A value that is not a number
 * at all reads as the epoch.
 */
export function isoTime(ms: number): string {
  const clamped = Number.isNaN(ms) ? 0 : Math.min(DATE_LIMIT_MS, Math.max(-DATE_LIMIT_MS, ms));
  return new Date(clamped).toISOString();
}

/** isoTime, keeping null (never happened) as null. */
export function nullableIsoTime(ms: number | null): string | null {
  return ms === null ? null : isoTime(ms);
}
