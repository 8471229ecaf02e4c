// Exact local-time math on IANA time zones using only Intl.DateTimeFormat (formatters cached).

/** A calendar date in some time zone; `month` 1–12, `day` 1–31. */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

/** Wall-clock fields of an instant in a zone; `weekday` 1 = Monday … 7 = Sunday. */
export interface LocalParts extends LocalDate {
  hour: number;
  minute: number;
  weekday: number;
}

/** A stretch of time `[from, to)` over which a zone's UTC offset stays `offsetMs`. */
export interface OffsetSpan {
  from: number;
  to: number;
  offsetMs: number;
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
const MAX_FORMATTERS = 1000;
const invalidZones = new Set<string>();
// "1/31/2026, 23:05:09" — what en-US with these options prints; formatToParts is the fallback.
const EN_US_PATTERN = /^(\d+)\/(\d+)\/(\d+),? (\d+):(\d+):(\d+)$/;

function formatterFor(tz: string): Intl.DateTimeFormat {
  let formatter = formatters.get(tz);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    // Names are case-insensitive, so spellings are unbounded: cap what a client can make us keep.
    if (formatters.size >= MAX_FORMATTERS) formatters.clear();
    formatters.set(tz, formatter);
  }
  return formatter;
}

/** True when `tz` names a time zone this runtime knows (IANA names such as `Asia/Kathmandu`). */
export function isValidTimeZone(tz: string): boolean {
  if (typeof tz !== "string" || tz === "" || invalidZones.has(tz)) return false;
  if (formatters.has(tz)) return true;
  try {
    formatterFor(tz);
    return true;
  } catch {
    if (invalidZones.size < 1000) invalidZones.add(tz);
    return false;
  }
}

/** Milliseconds since the epoch of a wall-clock reading taken as if it were UTC (any year). */
export function wallMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0) {
  // Date.UTC reads years 0–99 as 1900–1999; 400 Gregorian years are exactly 146,097 days.
  if (year >= 100) return Date.UTC(year, month - 1, day, hour, minute, second);
  return Date.UTC(year + 400, month - 1, day, hour, minute, second) - 146_097 * DAY_MS;
}

/** The zone's wall clock at `epochMs`, to the second, expressed as a UTC-based epoch number. */
function wallAt(tz: string, epochMs: number): number {
  const formatter = formatterFor(tz);
  const match = EN_US_PATTERN.exec(formatter.format(epochMs));
  if (match) {
    const [, month, day, year, hour, minute, second] = match.map(Number) as number[];
    return wallMs(year!, month!, day!, hour! % 24, minute!, second!);
  }
  const fields: Record<string, number> = {};
  for (const part of formatter.formatToParts(epochMs)) fields[part.type] = Number(part.value);
  return wallMs(
    fields.year!,
    fields.month!,
    fields.day!,
    fields.hour! % 24,
    fields.minute!,
    fields.second!,
  );
}

function offsetMsAt(tz: string, epochMs: number): number {
  return wallAt(tz, epochMs) - Math.floor(epochMs / 1000) * 1000;
}

/** The zone's UTC offset at `epochMs`, in minutes east of UTC (Kathmandu: 345). */
export function offsetAt(tz: string, epochMs: number): number {
  return offsetMsAt(tz, epochMs) / MINUTE_MS;
}

/** Splits a wall-clock epoch number (see `wallMs`) into calendar fields. */
export function partsOfWall(wall: number): LocalParts {
  const date = new Date(wall);
  const sundayZero = date.getUTCDay();
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    weekday: sundayZero === 0 ? 7 : sundayZero,
  };
}

/** The local date, time and weekday of `epochMs` in `tz`. */
export function localParts(tz: string, epochMs: number): LocalParts {
  return partsOfWall(wallAt(tz, epochMs));
}

/** The local calendar date of `epochMs` in `tz`. */
export function localDateOf(tz: string, epochMs: number): LocalDate {
  const { year, month, day } = localParts(tz, epochMs);
  return { year, month, day };
}

/** The date `days` calendar days after `date` (negative goes back). */
export function addLocalDays(date: LocalDate, days: number): LocalDate {
  const { year, month, day } = partsOfWall(wallMs(date.year, date.month, date.day + days));
  return { year, month, day };
}

/** Whole calendar days from `a` to `b` (positive when `b` is later). */
export function daysBetween(a: LocalDate, b: LocalDate): number {
  return Math.round((wallMs(b.year, b.month, b.day) - wallMs(a.year, a.month, a.day)) / DAY_MS);
}

/** 1 = Monday … 7 = Sunday. */
export function weekdayOf(date: LocalDate): number {
  return partsOfWall(wallMs(date.year, date.month, date.day)).weekday;
}

/** `YYYY-MM-DD`. */
export function formatLocalDate(date: LocalDate): string {
  return `${pad(date.year, 4)}-${pad(date.month, 2)}-${pad(date.day, 2)}`;
}

/** Reads a real calendar date written `YYYY-MM-DD` (years 1000–9999), else `undefined`. */
export function parseLocalDate(text: string): LocalDate | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1000 || month < 1 || month > 12 || day < 1) return undefined;
  const parts = partsOfWall(wallMs(year, month, day));
  return parts.month === month && parts.day === day ? { year, month, day } : undefined;
}

/**
 * The zone's offsets over `[from, to)`, in order: the first span starts at `from`, the last ends
 * at `to`. Offsets are sampled every `SAMPLE_STEP_MS` and bisected to the second where two
 * samples differ, one UTC month at a time, each month cached per zone.
 */
export function offsetSpans(tz: string, from: number, to: number): OffsetSpan[] {
  const spans: OffsetSpan[] = [];
  const first = new Date(from);
  for (let month = first.getUTCMonth() + 1, year = first.getUTCFullYear(); ; month++) {
    for (const span of spansOfMonth(tz, year, month)) {
      const start = Math.max(span.from, from);
      const end = Math.min(span.to, to);
      if (end < start || (end === start && (from !== to || span.to === from))) continue;
      const last = spans[spans.length - 1];
      if (last !== undefined && last.offsetMs === span.offsetMs) last.to = end;
      else spans.push({ from: start, to: end, offsetMs: span.offsetMs });
    }
    if (wallMs(year, month + 1, 1) >= to) return spans;
  }
}

// Two changes closer together than this that cancel out would be missed. The closest pair in
// any zone since 1970 is 6.96 days apart (Brazil, October 2000), so 3 days leaves a wide margin
// while costing a third of daily sampling.
const SAMPLE_STEP_MS = 3 * DAY_MS;
const monthSpans = new Map<string, readonly OffsetSpan[]>();
// About 2 MB at most; tz data cannot change while the process runs, so nothing goes stale.
const MAX_CACHED_MONTHS = 20_000;

/** `month` may run past 12: wallMs normalises it, and so does the cache key. */
function spansOfMonth(tz: string, year: number, month: number): readonly OffsetSpan[] {
  const from = wallMs(year, month, 1);
  const key = `${tz} ${from}`;
  let spans = monthSpans.get(key);
  if (spans === undefined) {
    spans = sampleOffsets(tz, from, wallMs(year, month + 1, 1));
    if (monthSpans.size >= MAX_CACHED_MONTHS) monthSpans.clear();
    monthSpans.set(key, spans);
  }
  return spans;
}

function sampleOffsets(tz: string, from: number, to: number): OffsetSpan[] {
  const spans: OffsetSpan[] = [];
  let spanFrom = from;
  let previousAt = from;
  let previous = offsetMsAt(tz, from);
  while (previousAt < to) {
    const at = Math.min(previousAt + SAMPLE_STEP_MS, to);
    const offset = offsetMsAt(tz, at);
    if (offset !== previous) {
      const change = findChange(tz, previousAt, at, previous);
      spans.push({ from: spanFrom, to: change, offsetMs: previous });
      spanFrom = change;
      previous = offset;
    }
    previousAt = at;
  }
  if (spanFrom < to) spans.push({ from: spanFrom, to, offsetMs: previous });
  return spans;
}

/** The first whole second in `(low, high]` whose offset is no longer `before`. */
function findChange(tz: string, low: number, high: number, before: number): number {
  let lowSecond = Math.floor(low / 1000);
  let highSecond = Math.ceil(high / 1000);
  while (highSecond - lowSecond > 1) {
    const middle = Math.floor((lowSecond + highSecond) / 2);
    if (offsetMsAt(tz, middle * 1000) === before) lowSecond = middle;
    else highSecond = middle;
  }
  return Math.max(highSecond * 1000, low + 1);
}

/** The zone's offsets over a stretch of time, for fast local-time arithmetic without Intl. */
export class ZoneTimeline {
  readonly spans: readonly OffsetSpan[];

  /** Covers `[from, to]` plus a day either side, so local dates at the edges resolve. */
  constructor(
    readonly tz: string,
    from: number,
    to: number,
  ) {
    this.spans = offsetSpans(tz, from - 2 * DAY_MS, to + 2 * DAY_MS);
  }

  /** UTC offset in milliseconds at `epochMs`. */
  offsetMsAt(epochMs: number): number {
    return this.spanAt(epochMs).offsetMs;
  }

  /** The span holding `epochMs` (edge spans stand in for instants outside the timeline). */
  spanAt(epochMs: number): OffsetSpan {
    const spans = this.spans;
    let low = 0;
    let high = spans.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (spans[middle]!.from <= epochMs) low = middle;
      else high = middle - 1;
    }
    return spans[low]!;
  }

  /** Local fields at `epochMs`. */
  partsAt(epochMs: number): LocalParts {
    return partsOfWall(epochMs + this.offsetMsAt(epochMs));
  }

  /**
   * The first instant whose wall clock reads `wall` (a `wallMs` value) or later: the earlier one
   * when a fall-back repeats it, the moment the clocks jump when spring-forward skips it.
   */
  firstInstantAtOrAfter(wall: number): number {
    for (const span of this.spans) {
      if (span.to + span.offsetMs > wall) return Math.max(span.from, wall - span.offsetMs);
    }
    const last = this.spans[this.spans.length - 1]!;
    return wall - last.offsetMs;
  }

  /** First instant of a local date (see `startOfLocalDay`). */
  startOfDay(date: LocalDate): number {
    return this.firstInstantAtOrAfter(wallMs(date.year, date.month, date.day));
  }
}

/**
 * The first instant of a local date: local midnight, the earlier one if a fall-back repeats it,
 * or the moment the clocks jump if spring-forward skips it (America/Santiago, America/Havana).
 */
export function startOfLocalDay(tz: string, year: number, month: number, day: number): number {
  const wall = wallMs(year, month, day);
  return new ZoneTimeline(tz, wall - DAY_MS, wall + DAY_MS).firstInstantAtOrAfter(wall);
}

const TWO_DIGITS = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, "0"));

// The last date and offset written: consecutive labels nearly always share both.
let lastDayNumber = Number.NaN;
let lastDateText = "";
let lastOffsetMs = Number.NaN;
let lastOffsetText = "";

/** ISO 8601 with the given offset, to the second: `2026-03-08T03:00:00-04:00`. */
export function formatIsoWithOffset(epochMs: number, offsetMs: number): string {
  // Plain arithmetic rather than Date getters: labels are built thousands at a time.
  const wallSeconds = Math.floor(epochMs / 1000) + Math.round(offsetMs / 1000);
  const dayNumber = Math.floor(wallSeconds / 86_400);
  const secondOfDay = wallSeconds - dayNumber * 86_400;
  if (dayNumber !== lastDayNumber) {
    const { year, month, day } = dateOfDayNumber(dayNumber);
    lastDateText = `${year < 1000 ? pad(year, 4) : year}-${TWO_DIGITS[month]}-${TWO_DIGITS[day]}T`;
    lastDayNumber = dayNumber;
  }
  if (offsetMs !== lastOffsetMs) {
    const offsetMinutes = Math.round(Math.abs(offsetMs) / MINUTE_MS);
    lastOffsetText = `${offsetMs < 0 ? "-" : "+"}${TWO_DIGITS[Math.floor(offsetMinutes / 60)]}:${TWO_DIGITS[offsetMinutes % 60]}`;
    lastOffsetMs = offsetMs;
  }
  return `${lastDateText}${TWO_DIGITS[Math.floor(secondOfDay / 3600)]}:${TWO_DIGITS[Math.floor(secondOfDay / 60) % 60]}:${TWO_DIGITS[secondOfDay % 60]}${lastOffsetText}`;
}

/** The proleptic Gregorian date `dayNumber` days after 1970-01-01 (H. Hinnant's civil_from_days). */
function dateOfDayNumber(dayNumber: number): LocalDate {
  const shifted = dayNumber + 719_468;
  const era = Math.floor(shifted / 146_097);
  const dayOfEra = shifted - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear =
    dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** `epochMs` as ISO 8601 in `tz` with the zone's offset at that instant. */
export function toZonedIso(tz: string, epochMs: number): string {
  return formatIsoWithOffset(epochMs, offsetMsAt(tz, epochMs));
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, "0");
}
