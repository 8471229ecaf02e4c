// Calendar dates, weekday-hours and clock readings of an instant in a named IANA time zone.

/** Mon..Sun, the order the heatmap rows and the API's `weekday` (1 = Monday) use. */
export const WEEKDAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] as const;
export const MONTH_NAMES = [
  "Jan",
  "Feb",
  "Mar",
  "Apr",
  "May",
  "Jun",
  "Jul",
  "Aug",
  "Sep",
  "Oct",
  "Nov",
  "Dec",
] as const;

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(tz: string): Intl.DateTimeFormat {
  let formatter = formatters.get(tz);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    formatters.set(tz, formatter);
  }
  return formatter;
}

export function isValidTimeZone(tz: string): boolean {
  if (tz === "") return false;
  try {
    formatterFor(tz);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock reading of `instant` in `tz`. */
export interface ZonedReading {
  /** `YYYY-MM-DD` */
  date: string;
  /** 1 = Monday … 7 = Sunday */
  weekday: number;
  hour: number;
  minute: number;
  /** Minutes east of UTC at that instant (Berlin in winter: 60, Kathmandu: 345). */
  offsetMinutes: number;
}

export function readZoned(instant: number, tz: string): ZonedReading {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(tz).formatToParts(instant)) parts[part.type] = part.value;
  const year = Number(parts.year);
  const month = Number(parts.month);
  const day = Number(parts.day);
  const hour = Number(parts.hour) % 24;
  const minute = Number(parts.minute);
  const asUtc = Date.UTC(year, month - 1, day, hour, minute);
  const wholeMinute = Math.floor(instant / 60_000) * 60_000;
  return {
    date: `${year}-${pad(month)}-${pad(day)}`,
    weekday: weekdayOf(`${year}-${pad(month)}-${pad(day)}`),
    hour,
    minute,
    offsetMinutes: Math.round((asUtc - wholeMinute) / 60_000),
  };
}

/** "UTC+05:45", "UTC−03:00", "UTC" for the zone's offset at `instant`. */
export function offsetLabel(instant: number, tz: string): string {
  const offset = readZoned(instant, tz).offsetMinutes;
  if (offset === 0) return "UTC";
  const sign = offset > 0 ? "+" : "−";
  const abs = Math.abs(offset);
  return `UTC${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** 1 = Monday … 7 = Sunday for a `YYYY-MM-DD` date. */
export function weekdayOf(date: string): number {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
}

/** True for a real calendar date written `YYYY-MM-DD`. */
export function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const at = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(at) && new Date(at).toISOString().startsWith(value);
}

/** The date `days` after (or before, when negative) a `YYYY-MM-DD` date. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Calendar days from `from` to `to`, both counted: the same day is 1. */
export function daysInclusive(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;
}

/** "Mon 23 Nov 2026, 14:05" in `tz`, for a title that gives the exact time. */
export function formatZonedDateTime(iso: string, tz: string): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return "—";
  const reading = readZoned(at, tz);
  return `${formatDate(reading.date, { weekday: true, year: true })}, ${pad(reading.hour)}:${pad(reading.minute)}`;
}

/** "23 Nov", or with options "Mon 23 Nov 2026", for a `YYYY-MM-DD` date. */
export function formatDate(
  date: string,
  options: { weekday?: boolean; year?: boolean } = {},
): string {
  const [year, month, day] = date.split("-").map(Number);
  const text = `${day} ${MONTH_NAMES[(month ?? 1) - 1]}${options.year ? ` ${year}` : ""}`;
  return options.weekday ? `${WEEKDAY_NAMES[weekdayOf(date) - 1]} ${text}` : text;
}

export function pad(value: number): string {
  return String(value).padStart(2, "0");
}
