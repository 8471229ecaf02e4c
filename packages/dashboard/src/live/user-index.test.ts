// Tests of the immutable user index: edits never change an older index, and the overlay folds away.
import type { PresenceUser } from "@rollcall/protocol";
import { describe, expect, it } from "vitest";
import { UserIndex } from "./user-index";

function user(id: string, name = id): PresenceUser {
  return {
    id,
    name,
    email: `${id}@example.com`,
    role: "Learner",
    status: "offline",
    currentPage: null,
    sessionStartedAt: null,
    activeForSeconds: null,
    lastSeenAt: null,
    connections: 0,
  };
}

describe("UserIndex", () => {
  const base = UserIndex.from([user("a"), user("b"), user("c")]);

  it("applies sets and deletes to a new index and leaves the old one alone", () => {
    const next = base.edit((draft) => {
      draft.set(user("a", "Ada"));
      draft.set(user("d"));
      draft.delete("b");
      draft.delete("missing");
    });
    expect(next.size).toBe(3);
    expect(next.get("a")?.name).toBe("Ada");
    expect(next.has("b")).toBe(false);
    expect([...next.keys()].sort()).toEqual(["a", "c", "d"]);
    expect(base.size).toBe(3);
    expect(base.get("a")?.name).toBe("a");
    expect([...base.keys()].sort()).toEqual(["a", "b", "c"]);
  });

  it("lets a removed user come back", () => {
    const gone = base.edit((draft) => draft.delete("a"));
    const back = gone.edit((draft) => draft.set(user("a", "Again")));
    expect(gone.get("a")).toBeUndefined();
    expect(back.get("a")?.name).toBe("Again");
    expect(back.size).toBe(3);
  });

  it("stays correct across overlay compaction", () => {
    let index = UserIndex.from([]);
    for (let i = 0; i < 3_000; i++) index = index.edit((draft) => draft.set(user(`u${i}`)));
    index = index.edit((draft) => {
      for (let i = 0; i < 3_000; i += 2) draft.delete(`u${i}`);
    });
    expect(index.size).toBe(1_500);
    expect([...index.values()]).toHaveLength(1_500);
    expect(index.get("u1")?.id).toBe("u1");
    expect(index.get("u2")).toBeUndefined();
  });
});
