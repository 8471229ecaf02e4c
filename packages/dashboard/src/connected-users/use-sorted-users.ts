// Every user in table order, re-sorted incrementally when a live update changes only a few rows.
import type { PresenceUser } from "@rollcall/protocol";
import { useMemo, useRef } from "react";
import { changedSince, type PresenceState } from "../live/presence-state";
import type { UserIndex } from "../live/user-index";
import { resortUsers, sortUsers, type UserSort } from "./user-query";

interface SortedCache {
  sort: UserSort;
  users: UserIndex;
  version: number;
  sorted: readonly PresenceUser[];
}

export function useSortedUsers(state: PresenceState, sort: UserSort): readonly PresenceUser[] {
  const cacheRef = useRef<SortedCache | null>(null);
  const { users, version } = state;
  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` changes with `users`; `state` is read for its log only.
  return useMemo(() => {
    const cache = cacheRef.current;
    const isSameSort =
      cache !== null &&
      cache.sort.column === sort.column &&
      cache.sort.direction === sort.direction;
    const changed = isSameSort ? changedSince(state, cache.version) : null;
    const sorted =
      cache && changed
        ? resortUsers(cache.sorted, cache.users, users, changed, sort)
        : sortUsers([...users.values()], sort);
    cacheRef.current = { sort, users, version, sorted };
    return sorted;
  }, [users, version, sort]);
}
