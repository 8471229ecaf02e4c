// The file names of the Users analytics CSVs: what, app, range's days, zone and when, in the name.
import { ALL_APPS } from "@rollcall/protocol";
import type { AnalyticsQuery } from "./analytics-query.js";
import { formatLocalDate, toZonedIso } from "./zoned-time.js";

/** What a file holds: the user table, or the headline cards. */
export type AnalyticsCsvKind = "users" | "summary";

/**
 * `rollcall-<kind>_<app>_<first day>_to_<last day>_<zone>_generated-<local time>.csv`, e.g.
 * `rollcall-users_math_2026-11-08_to_2026-12-07_Asia-Kathmandu_generated-2026-12-07T1105+0545.csv`
 * (`all-apps` for `_all`; one date for a one-day range). Anything but letters, digits and
 * `_.+-` becomes `-`, so every file system takes it.
 */
export function analyticsCsvFileName(
  kind: AnalyticsCsvKind,
  app: string,
  query: AnalyticsQuery,
): string {
  const days = query.range.days;
  const first = days[0];
  const last = days[days.length - 1];
  const dates =
    first === undefined || last === undefined
      ? ""
      : formatLocalDate(first) === formatLocalDate(last)
        ? `_${formatLocalDate(first)}`
        : `_${formatLocalDate(first)}_to_${formatLocalDate(last)}`;
  const generated = toZonedIso(query.tz, query.now).slice(0, 16).replace(":", "");
  const offset = toZonedIso(query.tz, query.now).slice(19).replace(":", "");
  const name = app === ALL_APPS ? "all-apps" : app;
  return `rollcall-${kind}_${safe(name)}${dates}_${safe(query.tz)}_generated-${generated}${offset}.csv`;
}

/** A Content-Disposition value for `fileName`: ASCII, with the RFC 6266 `filename*` beside it. */
export function attachment(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

function safe(part: string): string {
  return part.replace(/[^\p{L}\p{N}_.+-]+/gu, "-").slice(0, 80);
}
