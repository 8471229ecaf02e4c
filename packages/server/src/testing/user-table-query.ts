// The user table query the storage tests ask: every user of platform p1 (members
// "all") by name, unless told.
import type { SlotWindow, UserTableQuery } from "../storage/storage.js";

export function userTableQuery(
  messages: SlotWindow,
  parts: Partial<UserTableQuery> = {},
): UserTableQuery {
  return {
    scope: { platform: "p1", app: null },
    messages,
    messageNames: ["message"],
    members: "all",
    q: null,
    inactiveBefore: null,
    minMessages: 0,
    maxMessages: null,
    role: null,
    sort: "name",
    order: "asc",
    limit: null,
    offset: 0,
    ...parts,
  };
}
