// Tests of the pure presence reducer: snapshots replace, diffs merge in seq order, early diffs wait.
import type {
  PresenceChangeEvent,
  PresenceSnapshotEvent,
  PresenceSummary,
  PresenceUser,
} from "@rollcall/protocol";
import { describe, expect, it } from "vitest";
import {
  applyDiff,
  applyDiffs,
  applyEvents,
  applySnapshot,
  changedSince,
  emptyPresenceState,
} from "./presence-state";

const summary: PresenceSummary = {
  totalUsers: 2,
  online: 1,
  idle: 0,
  offline: 1,
  avgSessionSeconds: 60,
};

function user(id: string, patch: Partial<PresenceUser> = {}): PresenceUser {
  return {
    id,
    name: `User ${id}`,
    email: `${id}@example.com`,
    role: "Learner",
    status: "offline",
    currentPage: null,
    sessionStartedAt: null,
    activeForSeconds: null,
    lastSeenAt: null,
    connections: 0,
    ...patch,
  };
}

function snapshot(seq: number, users: PresenceUser[]): PresenceSnapshotEvent {
  return { seq, updatedAt: `2025-01-01T00:00:${String(seq).padStart(2, "0")}Z`, summary, users };
}

function change(
  seq: number,
  upserts: PresenceUser[],
  removes: string[] = [],
  changeSummary: PresenceSummary = summary,
): PresenceChangeEvent {
  return {
    seq,
    updatedAt: `2025-01-01T00:01:${String(seq).padStart(2, "0")}Z`,
    summary: changeSummary,
    upserts,
    removes,
  };
}

describe("applySnapshot", () => {
  it("replaces every user and takes the snapshot's seq and summary", () => {
    const first = applySnapshot(emptyPresenceState, snapshot(3, [user("a"), user("b")]));
    const second = applySnapshot(first, snapshot(9, [user("c")]));
    expect([...second.users.keys()]).toEqual(["c"]);
    expect(second.seq).toBe(9);
    expect(second.hasSnapshot).toBe(true);
    expect(second.summary).toEqual(summary);
    expect(second.updatedAt).toBe("2025-01-01T00:00:09Z");
  });

  it("replays diffs that arrived before it, in seq order, and drops those it already covers", () => {
    let state = applyDiff(emptyPresenceState, change(6, [user("a", { status: "online" })]));
    state = applyDiff(state, change(5, [user("b", { status: "idle" })]));
    state = applyDiff(state, change(4, [user("gone")]));
    expect(state.hasSnapshot).toBe(false);
    expect(state.pending).toHaveLength(3);

    state = applySnapshot(state, snapshot(4, [user("a"), user("b")]));
    expect(state.pending).toEqual([]);
    expect(state.seq).toBe(6);
    expect(state.users.get("a")?.status).toBe("online");
    expect(state.users.get("b")?.status).toBe("idle");
    expect(state.users.has("gone")).toBe(false);
    expect(state.hasGap).toBe(false);
  });

  it("clears a gap: a fresh snapshot makes the state exact again", () => {
    let state = applySnapshot(emptyPresenceState, snapshot(1, [user("a")]));
    state = applyDiff(state, change(5, [user("b")]));
    expect(state.hasGap).toBe(true);
    state = applySnapshot(state, snapshot(7, [user("a")]));
    expect(state.hasGap).toBe(false);
  });
});

describe("applyDiff", () => {
  const base = applySnapshot(emptyPresenceState, snapshot(10, [user("a"), user("b")]));

  it("upserts changed users and removes erased ones", () => {
    const online = user("a", { status: "online", sessionStartedAt: "2025-01-01T00:00:00Z" });
    const state = applyDiff(base, change(11, [online, user("c")], ["b"]));
    expect(state.users.get("a")).toBe(online);
    expect([...state.users.keys()].sort()).toEqual(["a", "c"]);
    expect(state.seq).toBe(11);
  });

  it("takes the change's summary", () => {
    const next = { ...summary, online: 2, offline: 0 };
    expect(applyDiff(base, change(11, [], [], next)).summary).toEqual(next);
  });

  it("drops a diff whose seq is at or below the snapshot's", () => {
    expect(applyDiff(base, change(10, [user("x")]))).toBe(base);
    expect(applyDiff(base, change(3, [user("x")]))).toBe(base);
  });

  it("never mutates the state it is given", () => {
    applyDiff(base, change(11, [user("z")], ["a"]));
    expect([...base.users.keys()]).toEqual(["a", "b"]);
    expect(base.seq).toBe(10);
  });

  it("flags a seq jump as a gap but still applies the newer rows", () => {
    const state = applyDiff(base, change(13, [user("a", { status: "idle" })]));
    expect(state.hasGap).toBe(true);
    expect(state.users.get("a")?.status).toBe("idle");
    expect(state.seq).toBe(13);
  });
});

describe("changedSince", () => {
  it("lists the users changed after a version", () => {
    const base = applySnapshot(emptyPresenceState, snapshot(1, [user("a"), user("b")]));
    const next = applyDiffs(base, [change(2, [user("a")]), change(3, [user("c")], ["b"])]);
    expect(changedSince(next, base.version)).toEqual(new Set(["a", "b", "c"]));
    expect(changedSince(next, next.version)).toEqual(new Set());
  });

  it("cannot answer across a snapshot", () => {
    const first = applySnapshot(emptyPresenceState, snapshot(1, [user("a")]));
    const second = applySnapshot(first, snapshot(5, [user("b")]));
    expect(changedSince(second, first.version)).toBeNull();
  });

  it("cannot answer once the log has been trimmed past the version", () => {
    const base = applySnapshot(emptyPresenceState, snapshot(0, [user("a")]));
    let state = base;
    for (let seq = 1; seq <= 300; seq++) state = applyDiff(state, change(seq, [user("a")]));
    expect(changedSince(state, base.version)).toBeNull();
    expect(changedSince(state, state.version - 10)).toEqual(new Set(["a"]));
  });
});

describe("role counts", () => {
  it("follow snapshots, role changes and removals", () => {
    let state = applySnapshot(
      emptyPresenceState,
      snapshot(1, [user("a"), user("b"), user("c", { role: "Admin" })]),
    );
    expect(Object.fromEntries(state.roles)).toEqual({ Learner: 2, Admin: 1 });
    state = applyDiff(state, change(2, [user("a", { role: "Admin" }), user("d")], ["b"]));
    expect(Object.fromEntries(state.roles)).toEqual({ Learner: 1, Admin: 2 });
    state = applyDiff(state, change(3, [], ["d", "unknown"]));
    expect(Object.fromEntries(state.roles)).toEqual({ Admin: 2 });
  });
});

describe("applyDiffs and applyEvents", () => {
  it("apply a batch in order, skipping stale entries within it", () => {
    const base = applySnapshot(emptyPresenceState, snapshot(1, [user("a")]));
    const state = applyDiffs(base, [
      change(2, [user("a", { status: "online" })]),
      change(2, [user("a", { status: "offline" })]),
      change(3, [user("a", { status: "idle" })]),
    ]);
    expect(state.users.get("a")?.status).toBe("idle");
    expect(state.seq).toBe(3);
    expect(state.hasGap).toBe(false);
  });

  it("let a snapshot in the middle of a flushed buffer replace what came before it", () => {
    const base = applySnapshot(emptyPresenceState, snapshot(1, [user("a")]));
    const state = applyEvents(base, [
      { type: "change", data: change(2, [user("old")]) },
      { type: "snapshot", data: snapshot(50, [user("b")]) },
      { type: "change", data: change(51, [user("c")]) },
    ]);
    expect([...state.users.keys()].sort()).toEqual(["b", "c"]);
    expect(state.seq).toBe(51);
  });

  it("return the same state for an empty buffer", () => {
    expect(applyEvents(emptyPresenceState, [])).toBe(emptyPresenceState);
  });
});
