// The replica's index of which node holds which tabs, through updates, tombstones and reloads.
import { describe, expect, it } from "vitest";
import { applyPresenceEvent, createPresenceState } from "./engine.js";
import { encodeUser } from "./presence-codec.js";
import { PresenceReplica } from "./presence-replica.js";
import { CONTRACT_RULES } from "./presence-store-contract.js";
import { findUser } from "./state.js";

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
