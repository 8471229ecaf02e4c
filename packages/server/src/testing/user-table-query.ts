// The user table query the storage tests ask: every user of platform p1 by name, unless told.
import type { SlotWindow, UserTableQuery } from "../storage/storage.js";

export function userTableQuery(
  messages: SlotWindow,
  parts: Partial<UserTableQuery> = {},
): UserTableQuery {
  return {
    scope: { platform: "p1", app: null },
    messages,
    messageNames: ["message"],
    q: null,
    inactiveBefore: null,
    minMessages: 0,
    sort: "name",
    order: "asc",
    limit: null,
    offset: 0,
    ...parts,
  };
}
