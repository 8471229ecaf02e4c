// Splits a resolved range into chart buckets (hour/day/week) and heatmap weekday-hours, DST-exact.
import type { AnalyticsRange } from "./analytics-range.js";
import {
  addLocalDays,
  DAY_MS,
  formatIsoWithOffset,
  HOUR_MS,
  wallMs,
  weekdayOf,
  ZoneTimeline,
} from "./zoned-time.js";

export { toZonedIso } from "./zoned-time.js";

export type BucketSize = "hour" | "day" | "week";

/** A chart bucket `[start, end)`; `label` is `start` in ISO 8601 with the zone's offset then. */
export interface TimeBucket {
  start: number;
  end: number;
  label: string;
}

/** One occurrence of a local weekday-hour inside a range: the instants `[start, end)` it spans. */
export interface HeatmapHour {
  /** 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** Local hour 0–23. */
  hour: number;
  start: number;
  end: number;
}

/** Longest range, in local days, charted by hour; then by day up to `MAX_DAY_BUCKET_DAYS`. */
export const MAX_HOUR_BUCKET_DAYS = 2;
export const MAX_DAY_BUCKET_DAYS = 92;

/** Hour for ranges of up to 2 local days, day up to 92, week beyond. */
export function bucketSizeFor(range: AnalyticsRange): BucketSize {
  const days = range.days.length;
  if (days <= MAX_HOUR_BUCKET_DAYS) return "hour";
  if (days <= MAX_DAY_BUCKET_DAYS) return "day";
  return "week";
}

/**
 * Consecutive buckets from `range.start`, every one that starts before `range.end` (the last may
 * run past `range.end`, up to its natural boundary, never past the end of the range's last day).
 * Hour buckets are real elapsed time between local hour starts, also cut where the offset
 * changes: a fall-back day has 25 (two labelled 01:00, with different offsets), a spring-forward
 * day 23, and a 30-minute change (Australia/Lord_Howe) leaves one 30-minute bucket (labelled 02:30
 * in spring, 01:30 in autumn). Day buckets are local days (23, 24 or 25 hours). Week buckets
 * start at `range.start`, then at every local Monday 00:00.
 */
export function timeBuckets(range: AnalyticsRange, size: BucketSize, tz: string): TimeBucket[] {
  const buckets: TimeBucket[] = [];
  forEachBucket(range, size, tz, (start, end, offsetMs) => {
    buckets.push({ start, end, label: formatIsoWithOffset(start, offsetMs) });
  });
  return buckets;
}

/**
 * Every local (date, hour) that occurs in the range, each once, in order, from `range.start`
 * to the hour holding `range.end` (the current hour counts as an occurrence while it runs).
 * A local hour a fall-back repeats is one entry spanning both real occurrences (2 hours); an
 * hour spring-forward skips has no entry. With 30-minute changes (Australia/Lord_Howe) the
 * partly skipped hour is a 30-minute entry (02:30–03:00) and the partly repeated one a 90-minute
 * entry (01:00–02:00 then 01:30–02:00 again). Only where a fall-back repeats more than one hour
 * (Antarctica/Troll, 2 hours) are an hour's two occurrences apart; its entry then spans from the
 * first to the second, overlapping the neighbouring hour's entry.
 */
export function heatmapHours(range: AnalyticsRange, tz: string): HeatmapHour[] {
  const entries: HeatmapHour[] = [];
  // Hours since 1970-01-01T00:00 on the local wall clock: one number per (date, hour), rising
  // except after a fall-back, which is the only time an earlier entry needs looking up.
  const keys: number[] = [];
  let highestKey = Number.NEGATIVE_INFINITY;
  forEachBucket(range, "hour", tz, (start, end, offsetMs) => {
    const localHour = Math.floor((start + offsetMs) / HOUR_MS);
    if (localHour <= highestKey) {
      const index = keys.lastIndexOf(localHour);
      if (index >= 0) {
        entries[index]!.end = Math.max(entries[index]!.end, end);
        return;
      }
    }
    highestKey = Math.max(highestKey, localHour);
    const dayNumber = Math.floor(localHour / 24);
    // 1970-01-01 was a Thursday (4).
    const weekday = ((((dayNumber + 3) % 7) + 7) % 7) + 1;
    keys.push(localHour);
    entries.push({ weekday, hour: localHour - dayNumber * 24, start, end });
  });
  return entries;
}

type BucketVisitor = (start: number, end: number, offsetMs: number) => void;

/** Visits the buckets of `timeBuckets` in order, with the zone's offset at each start. */
function forEachBucket(range: AnalyticsRange, size: BucketSize, tz: string, visit: BucketVisitor) {
  const last = range.days[range.days.length - 1];
  if (last === undefined || !(range.end > range.start)) return;
  const afterLast = addLocalDays(last, 1);
  const afterWall = wallMs(afterLast.year, afterLast.month, afterLast.day);
  const timeline = new ZoneTimeline(tz, range.start, Math.max(afterWall, range.end) + DAY_MS);
  // No bucket runs past the end of the range's last local day.
  const limit = timeline.startOfDay(afterLast);
  let start = range.start;
  let startOffset = timeline.offsetMsAt(start);
  /** Closes the open bucket at `next`; true once no further bucket is wanted. */
  const closeAt = (next: number, nextOffset: number): boolean => {
    // Ignores starts already passed: a range-start Monday, days that never happened (Apia 2011).
    if (next <= start) return false;
    const end = Math.min(next, limit);
    visit(start, end, startOffset);
    start = end;
    startOffset = nextOffset;
    return start >= range.end || start >= limit;
  };
  if (size === "hour") {
    for (const span of timeline.spans) {
      if (span.to <= start) continue;
      if (span.from > start && closeAt(span.from, span.offsetMs)) return;
      const offset = span.offsetMs;
      let mark = Math.ceil((Math.max(span.from, start) + offset) / HOUR_MS) * HOUR_MS - offset;
      for (; mark < span.to; mark += HOUR_MS) if (closeAt(mark, offset)) return;
    }
  } else {
    for (const day of range.days) {
      if (size === "week" && weekdayOf(day) !== 1) continue;
      const dayStart = timeline.startOfDay(day);
      if (closeAt(dayStart, timeline.offsetMsAt(dayStart))) return;
    }
  }
  closeAt(limit, timeline.offsetMsAt(limit));
}
