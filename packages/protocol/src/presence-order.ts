// The Connected users table's row order: one rule for the page and for GET /presence?format=csv.
import type { PresenceSort, PresenceUser, UserStatus } from "./presence-api.js";
import { foldText } from "./search-text.js";

export type SortOrder = "asc" | "desc";

/** What a row is sorted by, worked out once per row (rows are immutable, keys can be cached). */
export interface PresenceSortKeys {
  id: string;
  status: UserStatus;
  /** Folded as searches are (search-text.ts), compared by code point. */
  name: string;
  email: string;
  role: string;
  /** The current page's title and path, folded; "" without one. */
  page: string;
  /** Session start in ms; null without a session. */
  startedAt: number | null;
  lastSeenAt: number | null;
}

const STATUS_RANK: Record<UserStatus, number> = { online: 0, idle: 1, offline: 2 };

function instant(iso: string | null): number | null {
  if (iso === null) return null;
  const at = Date.parse(iso);
  return Number.isNaN(at) ? null : at;
}

export function presenceSortKeys(user: PresenceUser): PresenceSortKeys {
  const page = user.currentPage;
  return {
    id: user.id,
    status: user.status,
    name: foldText(user.name),
    email: foldText(user.email),
    role: foldText(user.role),
    // Folding goes letter by letter: the two folded are the whole folded.
    page: page ? `${foldText(page.title)} ${foldText(page.path)}` : "",
    startedAt: instant(user.sessionStartedAt),
    lastSeenAt: instant(user.lastSeenAt),
  };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Rows with a value first in either direction; those without (no role, no page) after. */
function compareMissingLast(a: string, b: string, sign: number): number {
  if (a === b) return 0;
  if (a === "") return 1;
  if (b === "") return -1;
  return sign * compareText(a, b);
}

/** Ascending is the longest first (the earliest start); no session after, in either direction. */
function compareActiveFor(a: PresenceSortKeys, b: PresenceSortKeys, sign: number): number {
  if (a.startedAt !== null && b.startedAt !== null) return sign * (a.startedAt - b.startedAt);
  if (a.startedAt !== null) return -1;
  if (b.startedAt !== null) return 1;
  // Neither has a session: most recently seen first, never seen last, whatever the direction.
  if (a.lastSeenAt !== null && b.lastSeenAt !== null) return b.lastSeenAt - a.lastSeenAt;
  if (a.lastSeenAt !== null) return -1;
  if (b.lastSeenAt !== null) return 1;
  return 0;
}

/**
 * The order of `sort` and `order` as GET /presence names them (`activeFor` ascending is the
 * longest first). Ties fall back to the name, then the id, both ascending whatever the direction,
 * so the order is total and a descending sort keeps equal rows in reading order.
 */
export function comparePresenceKeys(
  sort: PresenceSort,
  order: SortOrder,
): (a: PresenceSortKeys, b: PresenceSortKeys) => number {
  const sign = order === "asc" ? 1 : -1;
  const first = (a: PresenceSortKeys, b: PresenceSortKeys): number => {
    switch (sort) {
      case "status":
        return sign * (STATUS_RANK[a.status] - STATUS_RANK[b.status]);
      case "name":
        return sign * compareText(a.name, b.name);
      case "email":
        return sign * compareText(a.email, b.email);
      case "role":
        return compareMissingLast(a.role, b.role, sign);
      case "page":
        return compareMissingLast(a.page, b.page, sign);
      case "activeFor":
        return compareActiveFor(a, b, sign);
    }
  };
  return (a, b) => first(a, b) || compareText(a.name, b.name) || compareText(a.id, b.id);
}

/** A new array of `users` in that order. */
export function sortPresenceUsers(
  users: readonly PresenceUser[],
  sort: PresenceSort,
  order: SortOrder,
): PresenceUser[] {
  const compare = comparePresenceKeys(sort, order);
  return users
    .map((user) => ({ user, keys: presenceSortKeys(user) }))
    .sort((a, b) => compare(a.keys, b.keys))
    .map((row) => row.user);
}
