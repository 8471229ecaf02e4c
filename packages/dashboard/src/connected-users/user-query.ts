// Search, filters and sort of the Connected users table: pure functions, fast enough for 100,000 rows.
import {
  comparePresenceKeys,
  foldText,
  matchesNeedle,
  type PresenceSort,
  type PresenceSortKeys,
  type PresenceUser,
  presenceSortKeys,
  type SortOrder,
  searchNeedle,
  type UserStatus,
} from "@rollcall/protocol";

export type SortColumn = PresenceSort;
export type SortDirection = SortOrder;

export interface UserSort {
  column: SortColumn;
  direction: SortDirection;
}

export interface UserFilter {
  /** Matched against name, email and current page (title or path) by the one search rule. */
  search: string;
  status: UserStatus | "all";
  role: string | "all";
}

export const defaultSort: UserSort = { column: "status", direction: "asc" };
export const emptyFilter: UserFilter = { search: "", status: "all", role: "all" };

export function isFiltering(filter: UserFilter): boolean {
  return filter.search.trim() !== "" || filter.status !== "all" || filter.role !== "all";
}

/** The direction a column sorts in when its header is first clicked. */
export function firstDirection(column: SortColumn): SortDirection {
  return column === "activeFor" ? "desc" : "asc";
}

export function nextSort(current: UserSort, column: SortColumn): UserSort {
  if (current.column !== column) return { column, direction: firstDirection(column) };
  return { column, direction: current.direction === "asc" ? "desc" : "asc" };
}

/**
 * The table's sort as GET /presence names it, the one order rule both follow (presence-order.ts
 * in @rollcall/protocol): the same column, but "active for" runs the other way round there (its
 * ascending is the longest first; here the first click, "desc", shows the longest first).
 */
export function toApiSort(sort: UserSort): { sort: PresenceSort; order: SortOrder } {
  if (sort.column !== "activeFor") return { sort: sort.column, order: sort.direction };
  return { sort: "activeFor", order: sort.direction === "desc" ? "asc" : "desc" };
}

interface SortKeys extends PresenceSortKeys {
  /** Searched apart, so a query never matches across title and path. */
  pageTitle: string;
  pagePath: string;
}

/** Row objects are immutable and mostly reused between updates, so their keys are computed once. */
const keyCache = new WeakMap<PresenceUser, SortKeys>();

function keysOf(user: PresenceUser): SortKeys {
  let keys = keyCache.get(user);
  if (!keys) {
    keys = {
      ...presenceSortKeys(user),
      pageTitle: user.currentPage ? foldText(user.currentPage.title) : "",
      pagePath: user.currentPage ? foldText(user.currentPage.path) : "",
    };
    keyCache.set(user, keys);
  }
  return keys;
}

export function filterUsers(
  users: readonly PresenceUser[],
  filter: UserFilter,
): readonly PresenceUser[] {
  const needle = searchNeedle(filter.search);
  if (!needle && filter.status === "all" && filter.role === "all") return users;
  return users.filter((user) => {
    if (filter.status !== "all" && user.status !== filter.status) return false;
    if (filter.role !== "all" && !isSameRole(user.role, filter.role)) return false;
    if (!needle) return true;
    const keys = keysOf(user);
    return matchesNeedle(needle, keys.name, keys.email, keys.pageTitle, keys.pagePath);
  });
}

interface Row {
  user: PresenceUser;
  keys: SortKeys;
}

function rowComparator(sort: UserSort): (left: Row, right: Row) => number {
  const api = toApiSort(sort);
  const compare = comparePresenceKeys(api.sort, api.order);
  return (left, right) => compare(left.keys, right.keys);
}

function toRow(user: PresenceUser): Row {
  return { user, keys: keysOf(user) };
}

/** A new array in the requested order; ties fall back to name, then id, so the order is total. */
export function sortUsers(users: readonly PresenceUser[], sort: UserSort): PresenceUser[] {
  const rows = users.map(toRow);
  rows.sort(rowComparator(sort));
  return rows.map((row) => row.user);
}

/** Above this share of changed rows a full sort is cheaper than inserting them one by one. */
const RESORT_LIMIT = 0.05;

/** Read access to users by id: a Map, or the live state's UserIndex. */
export interface UserLookup {
  readonly size: number;
  get: (id: string) => PresenceUser | undefined;
  values: () => Iterable<PresenceUser>;
}

/**
 * The users of `users` in the order `sortUsers` would give, computed from `previous` (that order
 * for `previousUsers`) and the ids changed since: the changed rows are taken out by binary search
 * and put back in their new places, so a live update of a few rows never re-sorts them all.
 */
export function resortUsers(
  previous: readonly PresenceUser[],
  previousUsers: UserLookup,
  users: UserLookup,
  changedIds: ReadonlySet<string>,
  sort: UserSort,
): PresenceUser[] {
  if (changedIds.size === 0) return previous.slice();
  if (changedIds.size > users.size * RESORT_LIMIT) return sortUsers([...users.values()], sort);

  const compare = rowComparator(sort);
  const removed = new Set<number>();
  for (const id of changedIds) {
    const old = previousUsers.get(id);
    if (!old) continue;
    const index = lowerBound(previous, toRow(old), compare, 0);
    // The order is total (id breaks ties), so the old row sits exactly there.
    if (previous[index] !== old) return sortUsers([...users.values()], sort);
    removed.add(index);
  }
  const kept: PresenceUser[] = [];
  for (let index = 0; index < previous.length; index++) {
    if (!removed.has(index)) kept.push(previous[index]!);
  }

  const placed: Row[] = [];
  for (const id of changedIds) {
    const user = users.get(id);
    if (user) placed.push(toRow(user));
  }
  placed.sort(compare);
  const result: PresenceUser[] = [];
  let from = 0;
  for (const row of placed) {
    const at = upperBound(kept, row, compare, from);
    for (let index = from; index < at; index++) result.push(kept[index]!);
    result.push(row.user);
    from = at;
  }
  for (let index = from; index < kept.length; index++) result.push(kept[index]!);
  return result;
}

/** First index from `start` whose user sorts at or after `row`. */
function lowerBound(
  users: readonly PresenceUser[],
  row: Row,
  compare: (a: Row, b: Row) => number,
  start: number,
): number {
  let low = start;
  let high = users.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compare(toRow(users[middle]!), row) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** First index from `start` whose user sorts strictly after `row`. */
function upperBound(
  users: readonly PresenceUser[],
  row: Row,
  compare: (a: Row, b: Row) => number,
  start: number,
): number {
  let low = start;
  let high = users.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compare(toRow(users[middle]!), row) <= 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

export interface RoleCount {
  role: string;
  users: number;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * One role whatever its letter case, as the server's `role` filter (`GET /presence?role=`, and
 * so the CSV export) matches it: the table and its export list the same users.
 */
export function isSameRole(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/**
 * The roles present, each with its number of users, alphabetically. Spellings that differ only
 * in letter case are one role (isSameRole), named as most of its users spell it.
 */
export function listRoles(roles: ReadonlyMap<string, number>): RoleCount[] {
  const merged = new Map<string, RoleCount & { most: number }>();
  for (const [role, users] of roles) {
    const key = role.toLowerCase();
    const found = merged.get(key);
    if (!found) {
      merged.set(key, { role, users, most: users });
      continue;
    }
    found.users += users;
    if (users > found.most || (users === found.most && compareText(role, found.role) < 0)) {
      found.role = role;
      found.most = users;
    }
  }
  return [...merged.values()]
    .map(({ role, users }) => ({ role, users }))
    .sort((a, b) => compareText(foldText(a.role), foldText(b.role)) || compareText(a.role, b.role));
}
