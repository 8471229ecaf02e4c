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
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second));
  date.setUTCFullYear(year + date.getUTCFullYear() - 2000);
  return date.getTime();
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
 * The zone's offsets over `[from, to]`, found by sampling once a day and bisecting to the second
 * where two samples differ. Two changes less than a day apart that cancel out would be missed; no
 * zone has had such a pair since 1970. The first span starts at `from` and the last ends at `to`.
 */
export function offsetSpans(tz: string, from: number, to: number): OffsetSpan[] {
  const spans: OffsetSpan[] = [];
  let spanFrom = from;
  let previousAt = from;
  let previous = offsetMsAt(tz, from);
  while (previousAt < to) {
    const at = Math.min(previousAt + DAY_MS, to);
    const offset = offsetMsAt(tz, at);
    if (offset !== previous) {
      const change = findChange(tz, previousAt, at, previous);
      spans.push({ from: spanFrom, to: change, offsetMs: previous });
      spanFrom = change;
      previous = offset;
    }
    previousAt = at;
  }
  spans.push({ from: spanFrom, to, offsetMs: previous });
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

/** ISO 8601 with the given offset, to the second: `2026-03-08T03:00:00-04:00`. */
export function formatIsoWithOffset(epochMs: number, offsetMs: number): string {
  const wall = new Date(Math.floor(epochMs / 1000) * 1000 + offsetMs);
  const sign = offsetMs < 0 ? "-" : "+";
  const offsetMinutes = Math.round(Math.abs(offsetMs) / MINUTE_MS);
  return (
    `${pad(wall.getUTCFullYear(), 4)}-${pad(wall.getUTCMonth() + 1, 2)}-${pad(wall.getUTCDate(), 2)}` +
    `T${pad(wall.getUTCHours(), 2)}:${pad(wall.getUTCMinutes(), 2)}:${pad(wall.getUTCSeconds(), 2)}` +
    `${sign}${pad(Math.floor(offsetMinutes / 60), 2)}:${pad(offsetMinutes % 60, 2)}`
  );
}

/** `epochMs` as ISO 8601 in `tz` with the zone's offset at that instant. */
export function toZonedIso(tz: string, epochMs: number): string {
  return formatIsoWithOffset(epochMs, offsetMsAt(tz, epochMs));
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, "0");
}
