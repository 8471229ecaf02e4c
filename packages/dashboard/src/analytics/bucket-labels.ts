// Labels for the active-users chart's buckets, read from each bucket's local start time.
import { formatDate, pad } from "./zoned-date";

export type BucketSize = "hour" | "day" | "week";

/** The local date and hour written in a bucket's `start` ("2026-11-23T14:00:00+01:00"). */
export interface BucketStart {
  date: string;
  hour: number;
}

/**
 * The server writes `start` in the chosen zone with its offset, so the wall-clock date and hour
 * are the text before the offset; no zone arithmetic needed (and none to get wrong across DST).
 */
export function readBucketStart(start: string): BucketStart {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2})/.exec(start);
  if (!match) return { date: start.slice(0, 10), hour: 0 };
  return { date: match[1]!, hour: Number(match[2]) };
}

/**
 * Short text under the axis: "14:00" for hours, "23 Nov" for days and weeks. When hours span
 * several days, midnight names its day instead ("Tue 24 Nov").
 */
export function axisLabel(start: string, bucket: BucketSize, isMultiDay = false): string {
  const { date, hour } = readBucketStart(start);
  if (bucket !== "hour") return formatDate(date);
  if (isMultiDay && hour === 0) return formatDate(date, { weekday: true });
  return `${pad(hour)}:00`;
}

/** Full text for the tooltip: "Mon 23 Nov, 14:00–15:00", "Mon 23 Nov 2026", "Week of 23 Nov 2026". */
export function tooltipLabel(start: string, bucket: BucketSize): string {
  const { date, hour } = readBucketStart(start);
  if (bucket === "hour") {
    return `${formatDate(date, { weekday: true })}, ${pad(hour)}:00–${pad((hour + 1) % 24)}:00`;
  }
  if (bucket === "day") return formatDate(date, { weekday: true, year: true });
  return `Week of ${formatDate(date, { year: true })}`;
}

const STEPS: Record<BucketSize, readonly number[]> = {
  hour: [1, 2, 3, 4, 6, 12, 24],
  day: [1, 2, 3, 7, 14, 28],
  week: [1, 2, 4, 8, 13, 26],
};

/**
 * Which bucket indexes get an axis label so that at most `maxLabels` fit: the smallest readable
 * step. Hours count from the first bucket (round hours: 00:00, 03:00…); days and weeks count back
 * from the last, so the current day or week is always labelled.
 */
export function labelIndexes(count: number, bucket: BucketSize, maxLabels: number): number[] {
  if (count <= 0) return [];
  const fit = Math.max(1, Math.floor(maxLabels));
  const steps = STEPS[bucket];
  const step = steps.find((s) => Math.ceil(count / s) <= fit) ?? Math.ceil(count / fit);
  const indexes: number[] = [];
  if (bucket === "hour") {
    for (let index = 0; index < count; index += step) indexes.push(index);
  } else {
    for (let index = count - 1; index >= 0; index -= step) indexes.unshift(index);
  }
  return indexes;
}

/** Words for the bucket size beside the chart's title. */
export function bucketCaption(bucket: BucketSize): string {
  return bucket === "hour" ? "per hour" : bucket === "day" ? "per day" : "per week";
}
