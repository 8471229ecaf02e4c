// GET /presence without a text or role filter: the live users sorted, the rest walked in name order.
import type { PresenceUser, UserStatus } from "@rollcall/protocol";
import type { UserRecord } from "../../storage/storage.js";
import type { UserPresenceBrief } from "../engine/types.js";
import {
  compareEntries,
  firstSorted,
  isLeading,
  type PresenceEntry,
  type PresenceQuery,
  statusOf,
} from "./presence-query.js";

export interface PresencePageInput {
  /** Every registered user of the platform in name order (the name sort's order). */
  byName: readonly UserRecord[];
  /**
   * The engine's users by id (live ones, and offline ones whose session is within grace); some
   * may not be registered (yet) on this node: they are left out.
   */
  briefs: ReadonlyMap<string, UserPresenceBrief>;
  recordOf: (id: string) => UserRecord | undefined;
  /** Registered users among the briefs, by status. */
  counts: { online: number; idle: number };
}

/** Whether a query can be answered by groups: no filter that must look at every user's text. */
export function isGroupable(query: PresenceQuery): boolean {
  return !query.q && !query.role && query.sort !== "email" && query.sort !== "role";
}

/**
 * The same page as queryPresence, in time proportional to the live users and the page: users
 * with a sort key (status: live; page: a current page; activeFor: a session) come first in
 * ascending order and are sorted; everyone else follows in name order, which is cached. A
 * descending order is the exact reverse.
 */
export function queryPresenceByGroups(
  input: PresencePageInput,
  query: PresenceQuery,
  toRow: (entry: PresenceEntry) => PresenceUser,
): { users: PresenceUser[]; matched: number; nextCursor: string | null } {
  const { byName, briefs, counts } = input;
  const wanted = (query.cursor ? Number(query.cursor) : 0) + query.limit;
  const status = query.status;
  const keeps = (entry: PresenceEntry) => {
    const current = statusOf(entry);
    if (!status) return true;
    return status === "live" ? current !== "offline" : current === status;
  };
  const offline = byName.length - counts.online - counts.idle;
  const matched =
    status === "online"
      ? counts.online
      : status === "idle"
        ? counts.idle
        : status === "live"
          ? counts.online + counts.idle
          : status === "offline"
            ? offline
            : byName.length;

  if (query.sort === "status") {
    const ordered = byStatusGroups(input, query, wanted, offline);
    const offset = wanted - query.limit;
    const users = ordered.slice(offset, wanted).map(toRow);
    const next = offset + users.length;
    return { users, matched, nextCursor: next < matched ? String(next) : null };
  }

  const leading: PresenceEntry[] = [];
  for (const brief of briefs.values()) {
    const entry = { record: undefined as unknown as UserRecord, view: brief };
    if (!isLeading(entry, query.sort)) continue;
    const record = input.recordOf(brief.user);
    if (!record) continue;
    entry.record = record;
    if (keeps(entry)) leading.push(entry);
  }
  const ascending = compareEntries(query.sort);
  const trailingCount = matched - leading.length;
  const walk = (reverse: boolean, count: number): PresenceEntry[] => {
    const found: PresenceEntry[] = [];
    for (let i = 0; i < byName.length && found.length < count; i++) {
      const record = byName[reverse ? byName.length - 1 - i : i] as UserRecord;
      const entry = { record, view: briefs.get(record.id) ?? null };
      if (!isLeading(entry, query.sort) && keeps(entry)) found.push(entry);
    }
    return found;
  };

  let ordered: PresenceEntry[];
  if (query.order === "asc") {
    ordered = firstSorted(leading, wanted, ascending);
    if (ordered.length < wanted) ordered = ordered.concat(walk(false, wanted - ordered.length));
  } else {
    ordered = walk(true, Math.min(wanted, trailingCount));
    if (ordered.length < wanted) {
      const descending = (a: PresenceEntry, b: PresenceEntry) => ascending(b, a);
      ordered = ordered.concat(firstSorted(leading, wanted - ordered.length, descending));
    }
  }
  const offset = wanted - query.limit;
  const users = ordered.slice(offset, wanted).map(toRow);
  const next = offset + users.length;
  return { users, matched, nextCursor: next < matched ? String(next) : null };
}

/**
 * Sorted by status, then name: each status group in name order, as a walk of the cached name
 * order (a page of a large group is found within a few hundred users) or, for a small group of
 * live users, by sorting its members.
 */
function byStatusGroups(
  input: PresencePageInput,
  query: PresenceQuery,
  wanted: number,
  offline: number,
): PresenceEntry[] {
  const { byName, briefs } = input;
  const isAscending = query.order === "asc";
  const sizes: Record<UserStatus, number> = { ...input.counts, offline };
  const groups: UserStatus[] = ["online", "idle", "offline"];
  if (!isAscending) groups.reverse();
  const byNameAscending = compareEntries("name");
  const compare = isAscending
    ? byNameAscending
    : (a: PresenceEntry, b: PresenceEntry) => byNameAscending(b, a);
  const ordered: PresenceEntry[] = [];
  for (const group of groups) {
    const need = wanted - ordered.length;
    if (need <= 0) break;
    const status = query.status;
    if (status && (status === "live" ? group === "offline" : group !== status)) continue;
    if (group !== "offline" && sizes[group] * 32 < byName.length) {
      const members: PresenceEntry[] = [];
      for (const brief of briefs.values()) {
        if (brief.status !== group) continue;
        const record = input.recordOf(brief.user);
        if (record) members.push({ record, view: brief });
      }
      ordered.push(...firstSorted(members, need, compare));
      continue;
    }
    let found = 0;
    for (let i = 0; i < byName.length && found < need; i++) {
      const record = byName[isAscending ? i : byName.length - 1 - i] as UserRecord;
      const view = briefs.get(record.id) ?? null;
      if ((view?.status ?? "offline") !== group) continue;
      ordered.push({ record, view });
      found++;
    }
  }
  return ordered;
}
