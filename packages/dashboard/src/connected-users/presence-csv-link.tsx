// The Connected users table's CSV: GET /presence?format=csv with the filters and sort on screen.
import { DownloadIcon } from "../analytics/panel-parts";
import { toApiSort, type UserFilter, type UserSort } from "./user-query";

/**
 * The export's URL: the filters on screen, the sort's column and direction, times in `tz`. The
 * server sorts by the table's own rule, so the file's rows come in the order shown, ties included.
 */
export function presenceCsvPath(filter: UserFilter, sort: UserSort, tz: string): string {
  const params = new URLSearchParams({ format: "csv", tz, ...toApiSort(sort) });
  if (filter.search.trim() !== "") params.set("q", filter.search.trim());
  if (filter.status !== "all") params.set("status", filter.status);
  if (filter.role !== "all") params.set("role", filter.role);
  return `/api/v1/presence?${params}`;
}

export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

export function PresenceCsvLink({ filter, sort }: { filter: UserFilter; sort: UserSort }) {
  return (
    <a
      className="button button-small"
      href={presenceCsvPath(filter, sort, browserTimeZone())}
      download
      title={`Download the users shown (filters applied) as CSV, times in ${browserTimeZone()}`}
      data-testid="presence-csv"
    >
      <DownloadIcon />
      CSV
    </a>
  );
}
