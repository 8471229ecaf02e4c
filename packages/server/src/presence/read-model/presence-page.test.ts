// The grouped page against the plain filter-sort-cut: the same rows, counts and cursors.
import type { UserStatus } from "@rollcall/protocol";
import { describe, expect, it } from "vitest";
import type { UserRecord } from "../../storage/storage.js";
import { seededRandom } from "../../testing/seeded-random.js";
import type { UserPresenceBrief } from "../engine/types.js";
import { isGroupable, queryPresenceByGroups } from "./presence-page.js";
import {
  compareEntries,
  type PresenceEntry,
  presenceQuerySchema,
  queryPresence,
} from "./presence-query.js";

const NAMES = ["Ana", "ana", "Ben", "Émile", "Zoë", "cy", "Dee", "ben"];
const STATUSES: UserStatus[] = ["online", "idle", "offline"];
const toRow = (entry: PresenceEntry) => ({ id: entry.record.id }) as never;

function world(random: () => number, absent: number) {
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)] as T;
  const records: UserRecord[] = Array.from({ length: 120 }, (_, i) => ({
    platform: "p",
    id: `u${i}`,
    name: pick(NAMES),
    email: `u${i}@x.io`,
    role: "Learner",
    createdAt: 0,
    lastSeenAt: null,
  }));
  const briefs = new Map<string, UserPresenceBrief>();
  for (const record of records) {
    if (random() < absent) continue;
    const status = pick(STATUSES);
    briefs.set(record.id, {
      user: record.id,
      status,
      currentPage: random() < 0.8 ? { path: pick(["/a", "/b", "/c"]), title: "", app: null } : null,
      sessionStartedAt: random() < 0.8 ? Math.floor(random() * 5) * 1000 : null,
    });
  }
  const counts = { online: 0, idle: 0 };
  for (const brief of briefs.values()) {
    if (brief.status === "online") counts.online++;
    if (brief.status === "idle") counts.idle++;
  }
  const byName = records
    .map((record) => ({ record, view: null }))
    .sort(compareEntries("name"))
    .map((entry) => entry.record);
  const entries = records.map((record) => ({ record, view: briefs.get(record.id) ?? null }));
  const byId = new Map(records.map((record) => [record.id, record]));
  return { input: { byName, briefs, counts, recordOf: (id: string) => byId.get(id) }, entries };
}

describe("queryPresenceByGroups", () => {
  it("gives the page queryPresence gives, for every groupable sort, order, status and cursor", () => {
    const random = seededRandom(11);
    let checked = 0;
    for (let round = 0; round < 20; round++) {
      // Many users live, then only a few (small groups are sorted, large ones walked).
      const { input, entries } = world(random, round % 2 === 0 ? 0.4 : 0.97);
      for (const sort of ["status", "name", "page", "activeFor"]) {
        for (const order of ["asc", "desc"]) {
          for (const status of [undefined, "online", "idle", "offline", "live"]) {
            for (const [limit, cursor] of [
              [10, undefined],
              [10, "40"],
              [500, undefined],
              [7, "110"],
            ]) {
              const query = presenceQuerySchema.parse({ sort, order, status, limit, cursor });
              expect(isGroupable(query)).toBe(true);
              const expected = queryPresence(entries, query, toRow);
              expect({ query, got: queryPresenceByGroups(input, query, toRow) }).toEqual({
                query,
                got: expected,
              });
              checked++;
            }
          }
        }
      }
    }
    expect(checked).toBe(3_200);
  });

  it("leaves text, role, email and role sorts to the plain path", () => {
    for (const parts of [{ q: "an" }, { role: "Admin" }, { sort: "email" }, { sort: "role" }]) {
      expect(isGroupable(presenceQuerySchema.parse(parts))).toBe(false);
    }
  });
});
