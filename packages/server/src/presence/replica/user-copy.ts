// Copying one user's engine state, and bringing a held user up to a newer value in place.
import type { UserPresence } from "../engine/state.js";

/**
 * A copy the engine may change without touching `presence`. Pages and devices are shared: the
 * engine replaces them, never changes one in place.
 */
export function copyUser(presence: UserPresence): UserPresence {
  const connections: UserPresence["connections"] = new Map();
  for (const [tab, connection] of presence.connections) connections.set(tab, { ...connection });
  const activeApps: UserPresence["activeApps"] = new Map();
  for (const [app, active] of presence.activeApps) activeApps.set(app, { ...active });
  return {
    platform: presence.platform,
    user: presence.user,
    connections,
    session: presence.session === null ? null : { ...presence.session },
    lastDropAt: presence.lastDropAt,
    activeApps,
    row: { ...presence.row },
  };
}

/**
 * Makes `held` equal to `next`, keeping held's objects and strings wherever a value is the same
 * and taking `next`'s objects where there is nothing to keep (a new tab, a new page), so `next`
 * must not be used afterwards. A replica's users live long: one replaced at every change left
 * a dozen objects a change for the young-generation collector to copy and promote, then for
 * the old generation's to collect (the cluster's tail latency, BENCHMARKS.md).
 */
export function mergeUser(held: UserPresence, next: UserPresence): void {
  if (next.session === null || held.session === null) held.session = next.session;
  else mergeFields(held.session, next.session);
  held.lastDropAt = next.lastDropAt;
  mergeFields(held.row, next.row);
  mergeMap(held.connections, next.connections);
  mergeMap(held.activeApps, next.activeApps);
}

/** Keeps held's entries' objects; the order becomes next's (it decides ties and encodings). */
function mergeMap<K, V extends object>(held: Map<K, V>, next: Map<K, V>): void {
  if (isSameOrder(held, next)) {
    for (const [key, value] of next) mergeFields(held.get(key) as V, value);
    return;
  }
  const kept = new Map(held);
  held.clear();
  for (const [key, value] of next) {
    const mine = kept.get(key);
    if (mine === undefined) {
      held.set(key, value);
      continue;
    }
    mergeFields(mine, value);
    held.set(key, mine);
  }
}

function isSameOrder<K>(a: Map<K, unknown>, b: Map<K, unknown>): boolean {
  if (a.size !== b.size) return false;
  const keys = a.keys();
  for (const key of b.keys()) if (keys.next().value !== key) return false;
  return true;
}

/** Copies next's fields onto `held`, leaving alone the ones of equal value (a page: by its fields). */
function mergeFields<T extends object>(held: T, next: T): void {
  const target = held as Record<string, unknown>;
  const source = next as Record<string, unknown>;
  for (const field in source) {
    const value = source[field];
    const mine = target[field];
    if (mine === value || isSameRecord(mine, value)) continue;
    target[field] = value;
  }
}

/** Whether two flat records hold the same fields with the same values (`===`). */
export function isSameRecord(a: unknown, b: unknown): boolean {
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  const fields = Object.keys(a);
  if (fields.length !== Object.keys(b).length) return false;
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  return fields.every((field) => left[field] === right[field]);
}
