// The Users page's whole view (range, zone, table filters, sort, page) to and from the query string.
import { currentZoneName } from "./zone-names";
import { addDays, daysInclusive, isIsoDate, isValidTimeZone } from "./zoned-date";

export type RangeName = "today" | "7d" | "30d" | "custom";
export type TableSort = "name" | "messagesSent" | "lastActiveAt";
export type SortOrder = "asc" | "desc";
/** `active`: the users active in the range; `all`: everyone known to the app. */
export type TableMembers = "active" | "all";

export const RANGES: readonly { value: RangeName; label: string }[] = [
  { value: "today", label: "Today" },
  { value: "7d", label: "Past 7 days" },
  { value: "30d", label: "Past month" },
  { value: "custom", label: "Custom" },
];

export const TABLE_PAGE_SIZE = 50;
/** The server refuses longer custom ranges. */
export const MAX_RANGE_DAYS = 366;

export interface TableView {
  members: TableMembers;
  sort: TableSort;
  order: SortOrder;
  q: string;
  /** Only users of this role (any letter case); "" = any role. */
  role: string;
  /** Only users with no activity in the last N days; null = no such filter. */
  inactiveDays: number | null;
  minMessages: number;
  /** At most this many messages in the range; null = no such filter. */
  maxMessages: number | null;
  /** 1-based */
  page: number;
}

export interface AnalyticsView {
  range: RangeName;
  /** `YYYY-MM-DD`, inclusive; used by `custom` only (otherwise where a switch to custom starts). */
  from: string;
  to: string;
  tz: string;
  table: TableView;
}

/** What a missing or unreadable parameter falls back to. */
export interface ViewDefaults {
  tz: string;
  /** Today's date in `tz`, `YYYY-MM-DD`: the end of a fresh custom range. */
  today: string;
}

export const DEFAULT_RANGE: RangeName = "7d";
const DEFAULT_TABLE: TableView = {
  members: "active",
  sort: "name",
  order: "asc",
  q: "",
  role: "",
  inactiveDays: null,
  minMessages: 0,
  maxMessages: null,
  page: 1,
};

/** The table's filters as they are with none set (what "Clear filters" goes back to). */
export const NO_TABLE_FILTERS: Pick<
  TableView,
  "q" | "role" | "inactiveDays" | "minMessages" | "maxMessages"
> = { q: "", role: "", inactiveDays: null, minMessages: 0, maxMessages: null };

/** Whether any filter narrows the table (the members switch is not a filter). */
export function hasTableFilters(table: TableView): boolean {
  return (
    table.q.trim() !== "" ||
    table.role !== "" ||
    table.inactiveDays !== null ||
    table.minMessages > 0 ||
    table.maxMessages !== null
  );
}

/** The first order a column sorts in: names A→Z, numbers and dates biggest/latest first. */
export const FIRST_ORDER: Record<TableSort, SortOrder> = {
  name: "asc",
  messagesSent: "desc",
  lastActiveAt: "desc",
};

export function parseView(params: URLSearchParams, defaults: ViewDefaults): AnalyticsView {
  const range = oneOf(params.get("range"), ["today", "7d", "30d", "custom"], DEFAULT_RANGE);
  const tzParam = params.get("tz");
  const tz = currentZoneName(tzParam && isValidTimeZone(tzParam) ? tzParam : defaults.tz);
  const fromParam = params.get("from") ?? "";
  const toParam = params.get("to") ?? "";
  const hasDates = isIsoDate(fromParam) && isIsoDate(toParam);
  const sort = oneOf(params.get("sort"), ["name", "messagesSent", "lastActiveAt"], "name");
  return {
    range,
    from: hasDates ? fromParam : addDays(defaults.today, -6),
    to: hasDates ? toParam : defaults.today,
    tz,
    table: {
      members: oneOf(params.get("members"), ["active", "all"], DEFAULT_TABLE.members),
      sort,
      order: oneOf(params.get("order"), ["asc", "desc"], FIRST_ORDER[sort]),
      q: (params.get("q") ?? "").slice(0, 200),
      role: (params.get("role") ?? "").trim().slice(0, 200),
      inactiveDays: wholeNumber(params.get("inactiveDays"), 3650),
      minMessages: wholeNumber(params.get("minMessages"), 1_000_000_000) ?? 0,
      maxMessages: wholeNumber(params.get("maxMessages"), 1_000_000_000),
      page: Math.max(1, wholeNumber(params.get("page"), 1_000_000) ?? 1),
    },
  };
}

/** The query string (with `?`) that reopens `view`; defaults are left out, range and zone never. */
export function viewToSearch(view: AnalyticsView): string {
  const params = rangeParams(view);
  const { table } = view;
  if (table.members !== DEFAULT_TABLE.members) params.set("members", table.members);
  if (table.sort !== DEFAULT_TABLE.sort) params.set("sort", table.sort);
  if (table.order !== FIRST_ORDER[table.sort]) params.set("order", table.order);
  setFilterParams(params, table);
  if (table.page > 1) params.set("page", String(table.page));
  return `?${params.toString()}`;
}

/** `range`, `from`, `to` and `tz`, as every analytics endpoint takes them. */
export function rangeParams(view: AnalyticsView): URLSearchParams {
  const params = new URLSearchParams({ range: view.range });
  if (view.range === "custom") {
    params.set("from", view.from);
    params.set("to", view.to);
  }
  params.set("tz", view.tz);
  return params;
}

/** The table endpoint's parameters: the range, the filters and sort, and this page's slice. */
export function tableParams(view: AnalyticsView, format: "json" | "csv" = "json"): URLSearchParams {
  const params = rangeParams(view);
  const { table } = view;
  params.set("members", table.members);
  params.set("sort", table.sort);
  params.set("order", table.order);
  setFilterParams(params, table);
  if (format === "csv") {
    params.set("format", "csv");
  } else {
    params.set("limit", String(TABLE_PAGE_SIZE));
    params.set("offset", String((table.page - 1) * TABLE_PAGE_SIZE));
  }
  return params;
}

/** The filters set, as the page's address and the table endpoint both take them. */
function setFilterParams(params: URLSearchParams, table: TableView): void {
  if (table.q.trim() !== "") params.set("q", table.q.trim());
  if (table.role !== "") params.set("role", table.role);
  if (table.inactiveDays !== null) params.set("inactiveDays", String(table.inactiveDays));
  if (table.minMessages > 0) params.set("minMessages", String(table.minMessages));
  if (table.maxMessages !== null) params.set("maxMessages", String(table.maxMessages));
}

/** Why a custom range cannot be asked for, or null when it can. */
export function customRangeProblem(from: string, to: string): string | null {
  if (!isIsoDate(from) || !isIsoDate(to)) return "Pick both a start and an end date.";
  const days = daysInclusive(from, to);
  if (days < 1) return "The start date is after the end date.";
  if (days > MAX_RANGE_DAYS) return `A range can span at most ${MAX_RANGE_DAYS} days.`;
  return null;
}

/** A change of range, zone or filter starts the table again at page 1. */
export function withTable(view: AnalyticsView, change: Partial<TableView>): AnalyticsView {
  return { ...view, table: { ...view.table, page: 1, ...change } };
}

/** The sort after clicking a column header: the same column flips, a new one starts its way. */
export function nextTableSort(
  table: TableView,
  column: TableSort,
): Pick<TableView, "sort" | "order"> {
  if (table.sort === column) return { sort: column, order: table.order === "asc" ? "desc" : "asc" };
  return { sort: column, order: FIRST_ORDER[column] };
}

function oneOf<T extends string>(value: string | null, allowed: readonly T[], fallback: T): T {
  return allowed.find((option) => option === value) ?? fallback;
}

function wholeNumber(value: string | null, max: number): number | null {
  if (value === null || !/^\d{1,10}$/.test(value)) return null;
  return Math.min(Number(value), max);
}
