// The replica's index of which node holds which tabs, through updates, tombstones and reloads.
import { describe, expect, it } from "vitest";
import { applyPresenceEvent, createPresenceState } from "../engine/engine.js";
import { findUser } from "../engine/state.js";
import { CONTRACT_RULES } from "../store/presence-store-contract.js";
import { encodeUser } from "./presence-codec.js";
import { PresenceReplica } from "./presence-replica.js";

const PAGE = { path: "/a", title: "A", app: null };

/** The stored value of `user` with one WebSocket tab per entry of `owners` (tab → node). */
function storedValue(user: string, owners: Record<string, string>): string {
  const state = createPresenceState(CONTRACT_RULES);
  for (const tab of Object.keys(owners)) {
    const key = { platform: "p", user, tab };
    applyPresenceEvent(
      state,
      { type: "connect", key, transport: "ws", page: PAGE, isVisible: true },
      0,
    );
  }
  return encodeUser(findUser(state, "p", user)!, owners);
}

/** ada's stored value after a connect on tab t1 and then a page change to each of `paths`. */
function adaVisiting(paths: string[]): string {
  const state = createPresenceState(CONTRACT_RULES);
  const key = { platform: "p", user: "ada", tab: "t1" };
  applyPresenceEvent(
    state,
    { type: "connect", key, transport: "ws", page: PAGE, isVisible: true },
    0,
  );
  for (const [i, path] of paths.entries()) {
    applyPresenceEvent(state, { type: "page", key, page: { ...PAGE, path } }, i + 1);
  }
  return encodeUser(findUser(state, "p", "ada")!, { t1: "A" });
}

function owned(replica: PresenceReplica, node: string) {
  return {
    tabs: [...replica.tabsOwnedBy(node)].map((k) => `${k.user}/${k.tab}`).sort(),
    users: [...replica.usersOwnedBy(node)].map((u) => u.user).sort(),
  };
}

describe("PresenceReplica: tabs by node", () => {
  it("follows a tab moving to another node, a second tab, and the user's end", () => {
    const replica = new PresenceReplica(CONTRACT_RULES);
    replica.apply({ platform: "p", user: "ada", rev: 1, data: storedValue("ada", { t1: "A" }) });
    replica.apply({ platform: "p", user: "bob", rev: 1, data: storedValue("bob", { t1: "B" }) });
    expect(owned(replica, "A")).toEqual({ tabs: ["ada/t1"], users: ["ada"] });

    // ada's tab reconnects on B and she opens a second tab on A.
    replica.apply({
      platform: "p",
      user: "ada",
      rev: 2,
      data: storedValue("ada", { t1: "B", t2: "A" }),
    });
    expect(owned(replica, "A")).toEqual({ tabs: ["ada/t2"], users: ["ada"] });
    expect(owned(replica, "B")).toEqual({ tabs: ["ada/t1", "bob/t1"], users: ["ada", "bob"] });

    // An older revision changes nothing; a tombstone ends ada everywhere.
    replica.apply({ platform: "p", user: "ada", rev: 1, data: storedValue("ada", { t9: "C" }) });
    expect(owned(replica, "C")).toEqual({ tabs: [], users: [] });
    replica.apply({ platform: "p", user: "ada", rev: 3, data: null });
    expect(owned(replica, "A")).toEqual({ tabs: [], users: [] });
    expect(owned(replica, "B")).toEqual({ tabs: ["bob/t1"], users: ["bob"] });
  });

  it("a reload replaces the index with the snapshot's owners", () => {
    const replica = new PresenceReplica(CONTRACT_RULES);
    replica.apply({ platform: "p", user: "ada", rev: 1, data: storedValue("ada", { t1: "A" }) });
    replica.apply({ platform: "p", user: "bob", rev: 1, data: storedValue("bob", { t1: "A" }) });
    const changed = replica.reset([
      { platform: "p", user: "bob", rev: 2, data: storedValue("bob", { t1: "C" }) },
      { platform: "p", user: "cy", rev: 1, data: storedValue("cy", { t1: "A" }) },
    ]);
    expect(changed.map((c) => c.user).sort()).toEqual(["ada", "bob", "cy"]);
    expect(owned(replica, "A")).toEqual({ tabs: ["cy/t1"], users: ["cy"] });
    expect(owned(replica, "C")).toEqual({ tabs: ["bob/t1"], users: ["bob"] });
    expect(replica.ownerOf({ platform: "p", user: "ada", tab: "t1" })).toBeUndefined();
  });
});

describe("PresenceReplica: values", () => {
  it("updates a user in place: a newer value is read back as it was written", () => {
    const replica = new PresenceReplica(CONTRACT_RULES);
    replica.apply({ platform: "p", user: "ada", rev: 1, data: adaVisiting([]) });
    const held = findUser(replica.state, "p", "ada");
    const value = adaVisiting(["/b", "/c"]);
    replica.apply({ platform: "p", user: "ada", rev: 2, data: value });
    expect(replica.encoded("p", "ada")).toBe(value);
    expect(findUser(replica.state, "p", "ada")).toBe(held);
    expect(held?.connections.get("t1")?.page.path).toBe("/c");
  });

  it("gives the writer copies: deciding on one leaves the replica as it was", () => {
    const replica = new PresenceReplica(CONTRACT_RULES);
    const value = adaVisiting(["/b"]);
    replica.apply({ platform: "p", user: "ada", rev: 4, data: value });
    const { rev, presence, owners } = replica.copy("p", "ada");
    expect(rev).toBe(4);
    presence!.connections.get("t1")!.page = { path: "/elsewhere", title: "E" };
    presence!.row.path = "/elsewhere";
    owners.t1 = "B";
    expect(replica.encoded("p", "ada")).toBe(value);
    expect(replica.ownerOf({ platform: "p", user: "ada", tab: "t1" })).toBe("A");
  });

  it("takes this node's own write unless a newer value arrived first", () => {
    const replica = new PresenceReplica(CONTRACT_RULES);
    replica.apply({ platform: "p", user: "ada", rev: 3, data: adaVisiting(["/b"]) });
    const mine = replica.copy("p", "ada");
    mine.presence!.connections.get("t1")!.page = { path: "/mine", title: "M" };
    replica.applyWritten("p", "ada", 3, mine.presence, mine.owners);
    expect(findUser(replica.state, "p", "ada")?.connections.get("t1")?.page.path).toBe("/b");
    replica.applyWritten("p", "ada", 4, mine.presence, mine.owners);
    expect(findUser(replica.state, "p", "ada")?.connections.get("t1")?.page.path).toBe("/mine");
    replica.applyWritten("p", "ada", 5, undefined, {});
    expect(findUser(replica.state, "p", "ada")).toBeUndefined();
    expect(replica.rev("p", "ada")).toBe(5);
  });
});
