// GET /presence: filter, sort and page the Connected users rows.
import type { PresenceSort, PresenceUser, UserStatus } from "@rollcall/protocol";
import { z } from "zod";

const STATUS_ORDER: Record<UserStatus, number> = { online: 0, idle: 1, offline: 2 };

export const presenceQuerySchema = z.object({
  q: z.string().max(200).optional(),
  status: z.enum(["online", "idle", "offline", "live"]).optional(),
  role: z.string().max(64).optional(),
  sort: z.enum(["status", "name", "email", "role", "page", "activeFor"]).default("status"),
  order: z.enum(["asc", "desc"]).default("asc"),
  limit: z.coerce.number().int().min(1).max(100_000).default(100),
  cursor: z
    .string()
    .max(32)
    .regex(/^[0-9]+$/, "must be a cursor returned as nextCursor")
    .optional(),
});
export type PresenceQuery = z.infer<typeof presenceQuerySchema>;

export function matchesQuery(user: PresenceUser, query: PresenceQuery): boolean {
  if (query.status) {
    if (query.status === "live" ? user.status === "offline" : user.status !== query.status) {
      return false;
    }
  }
  if (query.role && user.role.toLowerCase() !== query.role.toLowerCase()) return false;
  if (query.q) {
    const needle = query.q.toLowerCase();
    if (!user.name.toLowerCase().includes(needle) && !user.email.toLowerCase().includes(needle)) {
      return false;
    }
  }
  return true;
}

export function compareUsers(sort: PresenceSort): (a: PresenceUser, b: PresenceUser) => number {
  const byName = (a: PresenceUser, b: PresenceUser) =>
    a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
  switch (sort) {
    case "status":
      return (a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || byName(a, b);
    case "name":
      return byName;
    case "email":
      return (a, b) => a.email.localeCompare(b.email) || byName(a, b);
    case "role":
      return (a, b) => a.role.localeCompare(b.role) || byName(a, b);
    case "page":
      return (a, b) =>
        (a.currentPage?.path ?? "\uffff").localeCompare(b.currentPage?.path ?? "\uffff") ||
        byName(a, b);
    case "activeFor":
      return (a, b) => (b.activeForSeconds ?? -1) - (a.activeForSeconds ?? -1) || byName(a, b);
  }
}

/** Filters, sorts and cuts one page; the cursor is the offset of the next page. */
export function queryPresence(
  users: PresenceUser[],
  query: PresenceQuery,
): { users: PresenceUser[]; matched: number; nextCursor: string | null } {
  const matched = users.filter((user) => matchesQuery(user, query));
  const compare = compareUsers(query.sort);
  matched.sort(query.order === "desc" ? (a, b) => compare(b, a) : compare);
  const offset = query.cursor ? Number(query.cursor) : 0;
  const page = matched.slice(offset, offset + query.limit);
  const next = offset + page.length;
  return {
    users: page,
    matched: matched.length,
    nextCursor: next < matched.length ? String(next) : null,
  };
}
