import type { PresenceUser } from "@rollcall/protocol";
import { describe, expect, it } from "vitest";
import { presenceQuerySchema, queryPresence } from "./presence-query.js";

function user(id: string, status: PresenceUser["status"], role = "Learner"): PresenceUser {
  return {
    id,
    name: id.toUpperCase(),
    email: `${id}@x.io`,
    role,
    status,
    currentPage: null,
    sessionStartedAt: null,
    activeForSeconds: status === "offline" ? null : 10,
    lastSeenAt: null,
    connections: status === "offline" ? 0 : 1,
  };
}

const users = [
  user("c", "offline"),
  user("b", "idle", "Admin"),
  user("a", "online"),
  user("d", "online"),
];

describe("queryPresence", () => {
  it("lists online users first, then idle, then offline, by name", () => {
    const result = queryPresence(users, presenceQuerySchema.parse({}));
    expect(result.users.map((u) => u.id)).toEqual(["a", "d", "b", "c"]);
    expect(result.nextCursor).toBeNull();
  });

  it("filters by status, role and text", () => {
    expect(queryPresence(users, presenceQuerySchema.parse({ status: "online" })).matched).toBe(2);
    expect(queryPresence(users, presenceQuerySchema.parse({ role: "admin" })).users[0]?.id).toBe(
      "b",
    );
    expect(queryPresence(users, presenceQuerySchema.parse({ q: "D@X" })).users[0]?.id).toBe("d");
  });

  it("pages with a cursor until the end", () => {
    const first = queryPresence(users, presenceQuerySchema.parse({ limit: "3" }));
    expect(first.users).toHaveLength(3);
    const second = queryPresence(
      users,
      presenceQuerySchema.parse({ limit: "3", cursor: first.nextCursor }),
    );
    expect(second.users.map((u) => u.id)).toEqual(["c"]);
    expect(second.nextCursor).toBeNull();
  });

  it("refuses a limit that is not a positive number", () => {
    expect(presenceQuerySchema.safeParse({ limit: "0" }).success).toBe(false);
    expect(presenceQuerySchema.safeParse({ limit: "ten" }).success).toBe(false);
  });
});
