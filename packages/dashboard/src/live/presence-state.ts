// The client's copy of everyone's presence: a pure reducer over the stream's snapshot and change events.
import type {
  PresenceChangeEvent,
  PresenceSnapshotEvent,
  PresenceSummary,
} from "@rollcall/protocol";
import { UserIndex } from "./user-index";

export interface PresenceState {
  /** False until the first snapshot arrives; diffs received before it wait in `pending`. */
  hasSnapshot: boolean;
  /** Seq of the last snapshot or change applied. */
  seq: number;
  /** Server time of the data shown (ISO 8601). */
  updatedAt: string | null;
  summary: PresenceSummary | null;
  users: UserIndex;
  /** Number of users per role, kept up to date diff by diff so a live update never recounts all. */
  roles: ReadonlyMap<string, number>;
  pending: readonly PresenceChangeEvent[];
  /** A change skipped a seq, so a diff was lost: only a new snapshot makes the state exact again. */
  hasGap: boolean;
  /** Counts applied snapshots and changes; with `log`, lets a view update only what changed. */
  version: number;
  /** Oldest version `changedSince` can answer from (a snapshot, or the log's trimmed end). */
  logStart: number;
  log: readonly ChangeLogEntry[];
}

export interface ChangeLogEntry {
  version: number;
  /** Users upserted or removed by the change that produced this version. */
  ids: readonly string[];
}

/** Batches kept in the log: enough for any view that renders at least every few seconds. */
const LOG_LENGTH = 256;

/** One event of `GET /api/v1/presence/stream`, tagged with its SSE event name. */
export type PresenceStreamEvent =
  | { type: "snapshot"; data: PresenceSnapshotEvent }
  | { type: "change"; data: PresenceChangeEvent };

export const emptyPresenceState: PresenceState = {
  hasSnapshot: false,
  seq: 0,
  updatedAt: null,
  summary: null,
  users: UserIndex.empty,
  roles: new Map(),
  pending: [],
  hasGap: false,
  version: 0,
  logStart: 0,
  log: [],
};

/** Replaces everything with the snapshot, then replays the buffered diffs that are newer than it. */
export function applySnapshot(
  state: PresenceState,
  snapshot: PresenceSnapshotEvent,
): PresenceState {
  const users = UserIndex.from(snapshot.users);
  const roles = new Map<string, number>();
  for (const user of users.values()) countRole(roles, user.role, 1);
  const version = state.version + 1;
  const fresh: PresenceState = {
    hasSnapshot: true,
    seq: snapshot.seq,
    updatedAt: snapshot.updatedAt,
    summary: snapshot.summary,
    users,
    roles,
    pending: [],
    hasGap: false,
    version,
    logStart: version,
    log: [],
  };
  const newer = state.pending.filter((change) => change.seq > snapshot.seq);
  newer.sort((a, b) => a.seq - b.seq);
  // The role map above is ours alone, so the replay may write into it instead of copying again.
  return mergeDiffs(fresh, newer, roles);
}

/** Applies one change event; see `applyDiffs`. */
export function applyDiff(state: PresenceState, change: PresenceChangeEvent): PresenceState {
  return applyDiffs(state, [change]);
}

/**
 * Applies change events in order, copying the user map once for the whole batch. Before the first
 * snapshot they are buffered; a change at or below the current seq is dropped as already seen.
 */
export function applyDiffs(
  state: PresenceState,
  changes: readonly PresenceChangeEvent[],
): PresenceState {
  if (changes.length === 0) return state;
  if (!state.hasSnapshot) return { ...state, pending: [...state.pending, ...changes] };
  if (!changes.some((change) => change.seq > state.seq)) return state;
  return mergeDiffs(state, changes, new Map(state.roles));
}

/** Applies a run of stream events (snapshots and changes mixed), as when a buffer is flushed. */
export function applyEvents(
  state: PresenceState,
  events: readonly PresenceStreamEvent[],
): PresenceState {
  let next = state;
  let run: PresenceChangeEvent[] = [];
  for (const event of events) {
    if (event.type === "change") {
      run.push(event.data);
      continue;
    }
    next = applySnapshot(applyDiffs(next, run), event.data);
    run = [];
  }
  return applyDiffs(next, run);
}

/**
 * The ids changed between `version` and `state`, or null when the log no longer reaches back that
 * far (a snapshot since, or too many changes): the caller must then recompute from scratch.
 */
export function changedSince(state: PresenceState, version: number): Set<string> | null {
  if (version < state.logStart || version > state.version) return null;
  const ids = new Set<string>();
  for (const entry of state.log) {
    if (entry.version > version) for (const id of entry.ids) ids.add(id);
  }
  return ids;
}

function mergeDiffs(
  state: PresenceState,
  changes: readonly PresenceChangeEvent[],
  roles: Map<string, number>,
): PresenceState {
  let { seq, updatedAt, summary, hasGap, version, logStart } = state;
  const log = [...state.log];
  const users = state.users.edit((draft) => {
    for (const change of changes) {
      if (change.seq <= seq) continue;
      if (change.seq !== seq + 1) hasGap = true;
      for (const id of change.removes) {
        const previous = draft.get(id);
        if (!previous) continue;
        countRole(roles, previous.role, -1);
        draft.delete(id);
      }
      for (const user of change.upserts) {
        const previous = draft.get(user.id);
        if (previous) countRole(roles, previous.role, -1);
        countRole(roles, user.role, 1);
        draft.set(user);
      }
      seq = change.seq;
      updatedAt = change.updatedAt;
      summary = change.summary;
      version += 1;
      log.push({ version, ids: [...change.removes, ...change.upserts.map((user) => user.id)] });
    }
  });
  if (log.length > LOG_LENGTH) {
    log.splice(0, log.length - LOG_LENGTH);
    logStart = Math.max(logStart, (log[0]?.version ?? version) - 1);
  }
  return { ...state, seq, updatedAt, summary, hasGap, users, roles, version, logStart, log };
}

function countRole(roles: Map<string, number>, role: string, delta: number): void {
  const count = (roles.get(role) ?? 0) + delta;
  if (count > 0) roles.set(role, count);
  else roles.delete(role);
}
