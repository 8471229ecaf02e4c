// The headline cards as CSV: each count, the period before's and the change, with their periods.
import {
  countChange,
  SUMMARY_CARDS,
  type SummaryMetric,
  type UsersSummary,
} from "@rollcall/protocol";
import { csvText } from "../csv/csv-cell.js";
import type { AnalyticsQuery } from "./analytics-query.js";
import type { AnalyticsRange } from "./analytics-range.js";
import { summaryPeriods } from "./users-analytics.js";
import { toZonedIso } from "./zoned-time.js";

export const SUMMARY_CSV_COLUMNS = [
  "metric",
  "card",
  "value",
  "previous_value",
  "change",
  "change_percent",
  "period_start",
  "period_end",
  "previous_start",
  "previous_end",
] as const;

/**
 * One row a card, in the page's order; `metric` is the summary's field. The header row first, as
 * in the user table's CSV (the context is in the file name, analytics-csv-name.ts). A count
 * without a period before (currently logged in, total registered) leaves the comparison empty;
 * `change_percent` is empty too when nobody was counted before. Times are ISO 8601 in the query's
 * zone with their offset: "currently logged in" is the instant it was taken, "total registered"
 * has no start (ever).
 */
export function summaryToCsv(summary: UsersSummary, query: AnalyticsQuery): string {
  const periods = summaryPeriods(query);
  const time = (epochMs: number) => toZonedIso(query.tz, epochMs);
  const span = (period: AnalyticsRange) => [time(period.start), time(period.end)];
  const before: Record<SummaryMetric, number | null> = {
    currentlyOnline: null,
    active30d: summary.previous.active30d,
    totalRegistered: null,
    activeInRange: summary.previous.activeInRange,
  };
  const spans: Record<SummaryMetric, string[]> = {
    currentlyOnline: [time(query.now), time(query.now), "", ""],
    active30d: [...span(periods.last30), ...span(periods.before30)],
    totalRegistered: ["", time(query.now), "", ""],
    activeInRange: [...span(periods.range), summary.previous.start, summary.previous.end],
  };
  const rows: (string | number)[][] = [[...SUMMARY_CSV_COLUMNS]];
  for (const { metric, label } of SUMMARY_CARDS) {
    const value = summary[metric];
    const previous = before[metric];
    const change = previous === null ? null : countChange(value, previous);
    rows.push([
      metric,
      label,
      value,
      previous ?? "",
      change?.delta ?? "",
      change?.percent ?? "",
      ...spans[metric],
    ]);
  }
  return csvText(rows);
}
