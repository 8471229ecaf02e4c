import type { UserStatus } from "@rollcall/protocol";
import { describe, expect, it } from "vitest";
import type { UserRecord } from "../../storage/storage.js";
import type { UserPresenceView } from "../engine/types.js";
import { type PresenceEntry, presenceQuerySchema, queryPresence } from "./presence-query.js";

function entry(id: string, status: UserStatus, role = "Learner", startedAt = 1000): PresenceEntry {
  const record: UserRecord = {
    platform: "p",
    id,
    name: id.toUpperCase(),
    email: `${id}@x.io`,
    role,
    createdAt: 0,
    lastSeenAt: null,
  };
  const view: UserPresenceView | null =
    status === "offline"
      ? null
      : {
          platform: "p",
          user: id,
          status,
          currentPage: { path: `/${id}`, title: id, app: null },
          sessionStartedAt: startedAt,
          lastLiveAt: startedAt,
          connections: [],
        };
  return { record, view };
}

const entries = [
  entry("c", "offline"),
  entry("b", "idle", "Admin", 500),
  entry("a", "online", "Learner", 2000),
  entry("d", "online", "Learner", 100),
];
const ids = (result: { users: Array<{ id: string }> }) => result.users.map((u) => u.id);
const toRow = (e: PresenceEntry) => ({ id: e.record.id }) as never;

describe("queryPresence", () => {
  it("lists online users first, then idle, then offline, by name", () => {
    const result = queryPresence(entries, presenceQuerySchema.parse({}), toRow);
    expect(ids(result)).toEqual(["a", "d", "b", "c"]);
    expect(result.nextCursor).toBeNull();
  });

  it("filters by status, role and text", () => {
    expect(
      queryPresence(entries, presenceQuerySchema.parse({ status: "online" }), toRow).matched,
    ).toBe(2);
    expect(
      ids(queryPresence(entries, presenceQuerySchema.parse({ role: "admin" }), toRow)),
    ).toEqual(["b"]);
    expect(ids(queryPresence(entries, presenceQuerySchema.parse({ q: "D@X" }), toRow))).toEqual([
      "d",
    ]);
    // The current page's path or title, of users who have one (offline users show none).
    expect(ids(queryPresence(entries, presenceQuerySchema.parse({ q: "/B" }), toRow))).toEqual([
      "b",
    ]);
    expect(ids(queryPresence(entries, presenceQuerySchema.parse({ q: "/c" }), toRow))).toEqual([]);
    expect(
      queryPresence(entries, presenceQuerySchema.parse({ status: "live" }), toRow).matched,
    ).toBe(3);
  });

  it("sorts by time active, longest first, with nobody offline ahead", () => {
    expect(
      ids(queryPresence(entries, presenceQuerySchema.parse({ sort: "activeFor" }), toRow)),
    ).toEqual(["d", "b", "a", "c"]);
  });

  it("pages with a cursor until the end, building rows only for the page", () => {
    let built = 0;
    const counting = (e: PresenceEntry) => {
      built++;
      return toRow(e);
    };
    const first = queryPresence(entries, presenceQuerySchema.parse({ limit: "3" }), counting);
    expect(first.users).toHaveLength(3);
    expect(built).toBe(3);
    const second = queryPresence(
      entries,
      presenceQuerySchema.parse({ limit: "3", cursor: first.nextCursor }),
      counting,
    );
    expect(ids(second)).toEqual(["c"]);
    expect(second.nextCursor).toBeNull();
  });

  it("gives the first page of a long list exactly as a full sort would, in every order", () => {
    const statuses: UserStatus[] = ["online", "idle", "offline"];
    const many = Array.from({ length: 400 }, (_, i) =>
      entry(
        `user${(i * 7919) % 400}`,
        statuses[i % 3]!,
        i % 2 ? "Admin" : "Learner",
        (i * 37) % 50,
      ),
    );
    for (const sort of ["status", "name", "email", "role", "page", "activeFor"]) {
      for (const order of ["asc", "desc"]) {
        const full = ids(
          queryPresence(many, presenceQuerySchema.parse({ sort, order, limit: "400" }), toRow),
        );
        const first = ids(
          queryPresence(many, presenceQuerySchema.parse({ sort, order, limit: "20" }), toRow),
        );
        expect(first, `${sort} ${order}`).toEqual(full.slice(0, 20));
      }
    }
  });

  it("refuses a limit that is not a positive number", () => {
    expect(presenceQuerySchema.safeParse({ limit: "0" }).success).toBe(false);
    expect(presenceQuerySchema.safeParse({ limit: "ten" }).success).toBe(false);
  });
});
