// How durations, "last seen" ages and clock times read on screen ("1 h 05 min", "last seen 3 h ago").

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function pad(value: number): string {
  return String(value).padStart(2, "0");
}

/** A duration with its two largest units: "12 s", "4 min 12 s", "1 h 05 min", "2 d 03 h". */
export function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.floor(totalSeconds));
  if (seconds < MINUTE) return `${seconds} s`;
  if (seconds < HOUR) return `${Math.floor(seconds / MINUTE)} min ${pad(seconds % MINUTE)} s`;
  if (seconds < DAY) {
    return `${Math.floor(seconds / HOUR)} h ${pad(Math.floor((seconds % HOUR) / MINUTE))} min`;
  }
  return `${Math.floor(seconds / DAY)} d ${pad(Math.floor((seconds % DAY) / HOUR))} h`;
}

/** A coarse age in its largest unit: "just now", "40 s", "5 min", "3 h", "2 d". */
export function formatAge(totalSeconds: number): string {
  const seconds = Math.max(0, Math.floor(totalSeconds));
  if (seconds < 10) return "just now";
  if (seconds < MINUTE) return `${seconds} s ago`;
  if (seconds < HOUR) return `${Math.floor(seconds / MINUTE)} min ago`;
  if (seconds < DAY) return `${Math.floor(seconds / HOUR)} h ago`;
  return `${Math.floor(seconds / DAY)} d ago`;
}

/** What the "Active for" column says of an offline user. */
export function formatLastSeen(lastSeenAt: string | null, now: number): string {
  if (lastSeenAt === null) return "never seen";
  const at = Date.parse(lastSeenAt);
  if (Number.isNaN(at)) return "never seen";
  return `last seen ${formatAge((now - at) / 1_000)}`;
}

/** Seconds from an ISO 8601 instant to `now`, never negative (clocks drift a little). */
export function secondsSince(iso: string, now: number): number {
  const at = Date.parse(iso);
  return Number.isNaN(at) ? 0 : Math.max(0, (now - at) / 1_000);
}

const clockFormat = new Intl.DateTimeFormat(undefined, {
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

const shortTimeFormat = new Intl.DateTimeFormat(undefined, {
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

/** HH:MM:SS in the viewer's time zone. */
export function formatClock(time: number | Date): string {
  return clockFormat.format(time);
}

/** HH:MM in the viewer's time zone, from an ISO 8601 instant. */
export function formatTimeOfDay(iso: string): string {
  const at = Date.parse(iso);
  return Number.isNaN(at) ? "—" : shortTimeFormat.format(at);
}
