// The table's "Last active": the time in the chosen zone and how long ago, "3 Dec 2026, 14:05 · 4 d ago".
import { formatAge } from "../ui/time-format";
import { formatDate, pad, readZoned } from "./zoned-date";

export interface LastActiveText {
  /** "3 Dec 2026, 14:05" in `tz`. */
  time: string;
  /** "4 d ago", "just now" (never in the future: clocks drift a little). */
  ago: string;
}

export function describeLastActive(iso: string, tz: string, now: number): LastActiveText | null {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return null;
  const reading = readZoned(at, tz);
  return {
    time: `${formatDate(reading.date, { year: true })}, ${pad(reading.hour)}:${pad(reading.minute)}`,
    ago: formatAge(Math.max(0, (now - at) / 1_000)),
  };
}
