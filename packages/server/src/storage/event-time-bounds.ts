// Which event timestamps may be stored: one window for the tracker and the backend alike.

/** No event is older than this (2000-01-01T00:00:00Z): anything before is a broken clock. */
export const EVENT_TIME_FLOOR_MS = Date.UTC(2000, 0, 1);
/** Clock skew allowed for a client's future timestamps. */
export const FUTURE_SKEW_MS = 5 * 60_000;

/**
 * The window an event's `ts` must fall in: from the floor, or the retention horizon when later
 * (before it an id can no longer be deduplicated), to the server's clock plus the allowed skew.
 */
export class EventTimeBounds {
  constructor(
    private readonly clock: () => number,
    /** Events before this moment are past retention (null: none is). */
    private readonly horizon: () => number | null = () => null,
  ) {}

  /** Why `ts` is refused, naming the bound it breaks; null when it may be stored. */
  refusal(ts: number): string | null {
    if (!Number.isSafeInteger(ts)) return "not a whole number of milliseconds";
    if (ts > this.clock() + FUTURE_SKEW_MS) {
      return `in the future (more than ${FUTURE_SKEW_MS / 1_000} s ahead of the server's clock)`;
    }
    if (ts < EVENT_TIME_FLOOR_MS) return "before 2000-01-01T00:00:00Z";
    const horizon = this.horizon();
    if (horizon !== null && ts < horizon) {
      return "older than the event retention window (ROLLCALL_EVENT_RETENTION_DAYS)";
    }
    return null;
  }
}
