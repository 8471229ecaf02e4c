// The user table from the in-memory rollups: the rows, filters and order of the SQL adapters.
import { searchNeedle } from "@rollcall/protocol";
import type { SlotWindow, UserTableQuery, UserTableResult } from "../storage.js";
import { compareCodePoints } from "./indexed-users.js";
import {
  MESSAGES,
  type PlatformActivity,
  type ScopeActivity,
  SLOTS_PER_DAY,
} from "./scope-activity.js";
import { activeUsersIn } from "./window-counts.js";

export function buildUserTable(platform: PlatformActivity, query: UserTableQuery): UserTableResult {
  const { users } = platform;
  const known = query.scope.app === null ? null : platform.apps.get(query.scope.app);
  if (known === undefined) return { total: 0, rows: [], roles: [] };
  const apps = known === null ? [...platform.apps.values()] : [known];
  const isActive =
    query.members === "active"
      ? activeUsersIn(platform, known ?? platform.all, query.messages)
      : () => true;
  const role = query.role === null ? null : query.role.toLowerCase();
  const maxMessages = query.maxMessages ?? Number.POSITIVE_INFINITY;
  const messages = countMessages(known ?? platform.all, apps, query.messages, users.size);
  const lastActive = (known ?? platform.all).lastActive;
  const lastOf = (user: number) => {
    const at = user < lastActive.length ? (lastActive[user] as number) : Number.NaN;
    return Number.isNaN(at) ? null : at;
  };

  const q = query.q === null ? null : searchNeedle(query.q);
  const keep = (user: number): boolean => {
    if (!users.isRegistered(user)) return false;
    if (known !== null && !known.isKnown(user)) return false;
    if (!isActive(user)) return false;
    const sent = messages[user] ?? 0;
    if (sent < query.minMessages || sent > maxMessages) return false;
    if (role !== null && !users.hasRole(user, role)) return false;
    if (q && !users.matches(user, q)) return false;
    if (query.inactiveBefore !== null) {
      const last = lastOf(user);
      if (last !== null && last >= query.inactiveBefore) return false;
    }
    return true;
  };

  const wanted = query.limit === null ? Number.POSITIVE_INFINITY : query.offset + query.limit;
  let total = 0;
  let page: number[];
  if (query.sort === "name") {
    page = [];
    for (const user of nameOrdered(platform, query.order)) {
      if (!keep(user)) continue;
      total++;
      if (page.length < wanted) page.push(user);
    }
  } else {
    const ranks = users.idRank();
    const sign = query.order === "desc" ? -1 : 1;
    const key =
      query.sort === "messagesSent"
        ? (user: number) => messages[user] ?? 0
        : (user: number) => lastOf(user);
    const before = (a: number, b: number): number => {
      const x = key(a);
      const y = key(b);
      // Never-active users sort after everyone else, whichever the direction.
      if (x === null || y === null) {
        if (x !== y) return x === null ? 1 : -1;
      } else if (x !== y) {
        return sign * (x - y);
      }
      return (ranks[a] as number) - (ranks[b] as number);
    };
    const candidates: number[] = [];
    for (let user = 0; user < users.size; user++) if (keep(user)) candidates.push(user);
    total = candidates.length;
    page = firstInOrder(candidates, wanted, before);
  }

  const rows = page.slice(query.offset).map((user) => ({
    id: users.ids[user] as string,
    name: users.name(user),
    email: users.email(user),
    role: users.role(user),
    messagesSent: messages[user] ?? 0,
    lastActiveAt: lastOf(user),
  }));
  return { total, rows, roles: knownRoles(platform, known) };
}

/**
 * The distinct roles of the users known to the scope, ignoring case (each spelled as the least in
 * code point order), ordered by their lower case; the empty role left out.
 */
function knownRoles(platform: PlatformActivity, known: ScopeActivity | null): string[] {
  const { users } = platform;
  const byLower = new Map<string, string>();
  for (let user = 0; user < users.size; user++) {
    if (!users.isRegistered(user) || (known !== null && !known.isKnown(user))) continue;
    const lower = users.lowerRole(user);
    if (lower === "") continue;
    const seen = byLower.get(lower);
    const role = users.role(user);
    if (seen === undefined || (seen !== role && compareCodePoints(role, seen) < 0)) {
      byLower.set(lower, role);
    }
  }
  return [...byLower.entries()].sort(([a], [b]) => compareCodePoints(a, b)).map(([, role]) => role);
}

/**
 * Tracked messages per user number in the window: whole days from the scope's daily totals, the
 * window's partial days from its apps' cells.
 */
function countMessages(
  scope: ScopeActivity,
  apps: ScopeActivity[],
  window: SlotWindow,
  size: number,
): Int32Array {
  const counts = new Int32Array(size);
  if (window.end <= window.start) return counts;
  const firstDay = Math.floor(window.start / SLOTS_PER_DAY);
  const lastDay = Math.floor((window.end - 1) / SLOTS_PER_DAY);
  for (const [dayNumber, day] of scope.days) {
    const dayStart = dayNumber * SLOTS_PER_DAY;
    if (window.start > dayStart || window.end < dayStart + SLOTS_PER_DAY) continue;
    const { keys, values } = day.users.columns();
    const messages = values[MESSAGES] as Int32Array;
    const rows = day.users.size;
    for (let row = 0; row < rows; row++) {
      const user = keys[row] as number;
      counts[user] = (counts[user] as number) + (messages[row] as number);
    }
  }
  for (const dayNumber of new Set([firstDay, lastDay])) {
    const dayStart = dayNumber * SLOTS_PER_DAY;
    const from = Math.max(window.start, dayStart) - dayStart;
    const to = Math.min(window.end, dayStart + SLOTS_PER_DAY) - dayStart;
    if (from === 0 && to === SLOTS_PER_DAY) continue;
    for (const app of apps) {
      const cells = app.days.get(dayNumber)?.messages;
      if (!cells) continue;
      const { keys, values } = cells.columns();
      const counted = values[0] as Int32Array;
      for (let cell = 0; cell < cells.size; cell++) {
        const key = keys[cell] as number;
        const slot = key % SLOTS_PER_DAY;
        if (slot < from || slot >= to) continue;
        const user = (key - slot) / SLOTS_PER_DAY;
        counts[user] = (counts[user] as number) + (counted[cell] as number);
      }
    }
  }
  return counts;
}

/** Registered users by lower(name) in `order`, ids ascending within a name. */
function* nameOrdered(platform: PlatformActivity, order: "asc" | "desc"): Generator<number> {
  const byName = platform.users.nameOrder();
  if (order === "asc") {
    yield* byName;
    return;
  }
  let end = byName.length;
  while (end > 0) {
    let start = end - 1;
    const last = byName[start] as number;
    while (start > 0 && platform.users.sameName(byName[start - 1] as number, last)) start--;
    for (let i = start; i < end; i++) yield byName[i] as number;
    end = start;
  }
}

/** The first `count` items in the order `before` gives (a bounded heap, not a full sort). */
export function firstInOrder(
  items: number[],
  count: number,
  before: (a: number, b: number) => number,
): number[] {
  if (count >= items.length) return items.sort(before);
  if (count <= 0) return [];
  // Max-heap of the best `count` so far: its root is the worst of them.
  const heap: number[] = [];
  const up = (i: number) => {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (before(heap[parent] as number, heap[i] as number) >= 0) return;
      [heap[parent], heap[i]] = [heap[i] as number, heap[parent] as number];
      i = parent;
    }
  };
  const down = (i: number) => {
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let worst = i;
      if (left < heap.length && before(heap[left] as number, heap[worst] as number) > 0)
        worst = left;
      if (right < heap.length && before(heap[right] as number, heap[worst] as number) > 0)
        worst = right;
      if (worst === i) return;
      [heap[worst], heap[i]] = [heap[i] as number, heap[worst] as number];
      i = worst;
    }
  };
  for (const item of items) {
    if (heap.length < count) {
      heap.push(item);
      up(heap.length - 1);
    } else if (before(item, heap[0] as number) < 0) {
      heap[0] = item;
      down(0);
    }
  }
  return heap.sort(before);
}
