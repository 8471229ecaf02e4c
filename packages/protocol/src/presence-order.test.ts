import { describe, expect, it } from "vitest";
import type { PresenceUser } from "./presence-api.js";
import { sortPresenceUsers } from "./presence-order.js";

function user(id: string, name: string, extra: Partial<PresenceUser> = {}): PresenceUser {
  return {
    id,
    name,
    email: `${id}@x.example`,
    role: "Learner",
    status: "offline",
    currentPage: null,
    sessionStartedAt: null,
    activeForSeconds: null,
    lastSeenAt: null,
    connections: 0,
    ...extra,
  };
}

const ids = (users: PresenceUser[]) => users.map((u) => u.id);
const live = (startedAt: string, page = "/a"): Partial<PresenceUser> => ({
  status: "online",
  sessionStartedAt: startedAt,
  currentPage: { path: page, title: "A", app: null },
});

describe("sortPresenceUsers", () => {
  const users = [
    user("z", "Émile"),
    user("c", "emile", live("2026-12-07T10:00:00Z")),
    user("b", "EMILE", live("2026-12-07T10:00:00Z")),
    user("d", "Ann", { lastSeenAt: "2026-12-06T10:00:00Z", role: "" }),
    user("a", "Emile", { lastSeenAt: "2026-12-06T10:00:00Z" }),
  ];

  it("breaks ties by the folded name, then the id, ascending in either direction", () => {
    expect(ids(sortPresenceUsers(users, "name", "asc"))).toEqual(["d", "a", "b", "c", "z"]);
    expect(ids(sortPresenceUsers(users, "name", "desc"))).toEqual(["a", "b", "c", "z", "d"]);
    expect(ids(sortPresenceUsers(users, "status", "asc"))).toEqual(["b", "c", "d", "a", "z"]);
    expect(ids(sortPresenceUsers(users, "status", "desc"))).toEqual(["d", "a", "z", "b", "c"]);
  });

  it("puts the longest session first ascending, and no session last either way", () => {
    const later = [...users, user("e", "Zed", live("2026-12-07T11:00:00Z"))];
    expect(ids(sortPresenceUsers(later, "activeFor", "asc"))).toEqual([
      "b",
      "c",
      "e",
      "d",
      "a",
      "z",
    ]);
    // Without a session: the most recently seen first, never seen last, ties by name then id.
    expect(ids(sortPresenceUsers(later, "activeFor", "desc"))).toEqual([
      "e",
      "b",
      "c",
      "d",
      "a",
      "z",
    ]);
  });

  it("keeps rows without a role or a page after the others in both directions", () => {
    expect(ids(sortPresenceUsers(users, "role", "asc"))).toEqual(["a", "b", "c", "z", "d"]);
    expect(ids(sortPresenceUsers(users, "role", "desc"))).toEqual(["a", "b", "c", "z", "d"]);
    expect(ids(sortPresenceUsers(users, "page", "desc"))).toEqual(["b", "c", "d", "a", "z"]);
  });
});
