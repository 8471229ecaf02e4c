// Turns an analytics time filter (today, 7d, 30d, custom dates) into instants and local days.
import { SLOT_MS } from "../storage/storage.js";
import {
  addLocalDays,
  daysBetween,
  isValidTimeZone,
  type LocalDate,
  localDateOf,
  parseLocalDate,
  startOfLocalDay,
} from "./zoned-time.js";

export type RangeName = "today" | "7d" | "30d" | "custom";

export const RANGE_NAMES: readonly RangeName[] = ["today", "7d", "30d", "custom"];

/** Longest custom range, in local calendar days (a leap year). */
export const MAX_RANGE_DAYS = 366;

export interface RangeInput {
  range: RangeName;
  /** Inclusive first local date, `YYYY-MM-DD`; only read when `range` is `custom`. */
  from?: string | undefined;
  /** Inclusive last local date, `YYYY-MM-DD`; only read when `range` is `custom`. */
  to?: string | undefined;
  tz: string;
  now: number;
}

/**
 * A resolved range: instants `[start, end)` and the local calendar days it covers, in order.
 * `start` is the first instant of `days[0]`; `end` is `now` for today/7d/30d and the first
 * instant of the day after the last one for custom (which may lie in the future).
 */
export interface AnalyticsRange {
  start: number;
  end: number;
  days: LocalDate[];
}

export type RangeField = "range" | "from" | "to" | "tz";

/** A time filter the caller got wrong; `message` names the field, e.g. `from: not a date (YYYY-MM-DD)`. */
export class RangeInputError extends Error {
  override name = "RangeInputError";
  constructor(
    readonly field: RangeField,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

/** Narrows a query-string value to a range name. */
export function isRangeName(value: string): value is RangeName {
  return (RANGE_NAMES as readonly string[]).includes(value);
}

/** Resolves a time filter in the viewer's zone; throws `RangeInputError` for bad input. */
export function resolveRange(input: RangeInput): AnalyticsRange {
  const { range, tz, now } = input;
  if (!Number.isFinite(now)) throw new TypeError(`now must be a finite epoch, got ${now}`);
  if (!isValidTimeZone(tz)) throw new RangeInputError("tz", "not an IANA time zone");
  switch (range) {
    case "today":
      return lastLocalDays(tz, now, 1);
    case "7d":
      return lastLocalDays(tz, now, 7);
    case "30d":
      return lastLocalDays(tz, now, 30);
    case "custom":
      return customRange(input.from, input.to, tz);
    default:
      throw new RangeInputError("range", `expected one of ${RANGE_NAMES.join(", ")}`);
  }
}

/**
 * The last `count` local calendar days including today, from the first one's first instant to
 * `now` (`count` 30 is the "Active in last 30 days" card and the 30d range).
 */
export function lastLocalDays(tz: string, now: number, count: number): AnalyticsRange {
  if (!Number.isInteger(count) || count < 1)
    throw new TypeError(`count must be >= 1, got ${count}`);
  const today = localDateOf(tz, now);
  const days = consecutiveDays(addLocalDays(today, 1 - count), count);
  return { start: startOfDate(tz, days[0]!), end: now, days };
}

/**
 * The period a range is compared with: as many local days just before it. A range that ends now
 * (today, 7d, 30d) is compared with the same stretch of its last day (today until 10:00 with
 * yesterday until 10:00), so a period still running is not set against a whole one; a custom
 * range with the whole days before it. The stretch ends with the 15-minute slot holding that time,
 * as activity is counted (`SLOT_MS`): the same question asked twice in a slot gets one answer.
 */
export function previousRange(range: AnalyticsRange, tz: string, endsNow: boolean): AnalyticsRange {
  const count = range.days.length;
  const days = consecutiveDays(addLocalDays(range.days[0]!, -count), count);
  const start = startOfDate(tz, days[0]!);
  if (!endsNow) return { start, end: range.start, days };
  const intoLastDay = range.end - startOfDate(tz, range.days.at(-1)!);
  const sameTime = startOfDate(tz, days.at(-1)!) + intoLastDay;
  return { start, end: Math.min(range.start, Math.ceil(sameTime / SLOT_MS) * SLOT_MS), days };
}

function customRange(fromText: string | undefined, toText: string | undefined, tz: string) {
  const from = readDate("from", fromText);
  const to = readDate("to", toText);
  const count = daysBetween(from, to) + 1;
  if (count < 1) throw new RangeInputError("to", "must not be before from");
  if (count > MAX_RANGE_DAYS) {
    throw new RangeInputError("to", `range is longer than ${MAX_RANGE_DAYS} days`);
  }
  const days = consecutiveDays(from, count);
  const dayAfter = addLocalDays(to, 1);
  return { start: startOfDate(tz, from), end: startOfDate(tz, dayAfter), days };
}

function startOfDate(tz: string, date: LocalDate): number {
  return startOfLocalDay(tz, date.year, date.month, date.day);
}

function readDate(field: "from" | "to", text: string | undefined): LocalDate {
  if (text === undefined || text === "") {
    throw new RangeInputError(field, "required when range is custom");
  }
  const date = parseLocalDate(text);
  if (date === undefined) throw new RangeInputError(field, "not a date (YYYY-MM-DD)");
  return date;
}

function consecutiveDays(first: LocalDate, count: number): LocalDate[] {
  const days: LocalDate[] = [];
  for (let i = 0; i < count; i++) days.push(addLocalDays(first, i));
  return days;
}
