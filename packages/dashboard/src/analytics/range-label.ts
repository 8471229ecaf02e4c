// The words for a view's range: "Past 7 days", "1 Oct – 31 Oct 2026", "7 Dec 2025 – 6 Dec 2026".
import { type AnalyticsView, customRangeProblem, RANGES } from "./analytics-view";
import { addDays, formatDate } from "./zoned-date";

/** A custom range names the year once, or on both ends when it spans two years. */
export function describeRange(view: Pick<AnalyticsView, "range" | "from" | "to">): string {
  if (view.range !== "custom") {
    return RANGES.find((range) => range.value === view.range)?.label ?? view.range;
  }
  if (customRangeProblem(view.from, view.to)) return "Custom range";
  if (view.from === view.to) return formatDate(view.from, { weekday: true, year: true });
  const isOneYear = view.from.slice(0, 4) === view.to.slice(0, 4);
  return `${formatDate(view.from, { year: !isOneYear })} – ${formatDate(view.to, { year: true })}`;
}

/** True when the range reaches today (`today` is `YYYY-MM-DD` in the page's zone). */
export function includesToday(view: Pick<AnalyticsView, "range" | "to">, today: string): boolean {
  return view.range !== "custom" || view.to >= today;
}

/**
 * What a range is compared with (the server's "period before"): "yesterday by this time", "the 7
 * days before", "the day before" for one custom day.
 */
export function describePrevious(view: Pick<AnalyticsView, "range" | "from" | "to">): string {
  if (view.range === "today") return "yesterday by this time";
  if (view.range === "7d") return "the 7 days before";
  if (view.range === "30d") return "the 30 days before";
  if (customRangeProblem(view.from, view.to)) return "the period before";
  const days = Math.round((Date.parse(view.to) - Date.parse(view.from)) / 86_400_000) + 1;
  return days === 1 ? "the day before" : `the ${days} days before`;
}

/**
 * The range's dates, for what leaves the page (PNG titles): "1 Dec – 7 Dec 2026" for "Past 7
 * days" (`today` is `YYYY-MM-DD` in the page's zone), the custom range's own words otherwise.
 */
export function describeRangeDates(
  view: Pick<AnalyticsView, "range" | "from" | "to">,
  today: string,
): string {
  if (view.range === "custom") return describeRange(view);
  const days = view.range === "today" ? 1 : view.range === "7d" ? 7 : 30;
  return describeRange({ range: "custom", from: addDays(today, 1 - days), to: today });
}
