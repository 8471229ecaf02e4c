// Erasing a user from the SQLite file without indexes by user on the big tables: their rows are
// found by the slots the activity index holds for them, a chunk of slots per transaction with
// other batches committed between.
import { setImmediate as nextTurn } from "node:timers/promises";
import { IndexWrites } from "../activity-index/activity-index.js";
import { SLOT_MS } from "../storage.js";
import type { StatementCache } from "./sqlite-facts.js";
import type { SqliteIndexKeeper } from "./sqlite-index-keeper.js";
import { logIndexWrites } from "./sqlite-index-log.js";

/**
 * Active slots of a user erased per transaction. Each costs a few seeks per event name of their
 * apps and a scan of the platform's events in it: ~2,000 keep a chunk to tens of milliseconds.
 */
export const ERASE_CHUNK_SLOTS = 2_000;

/**
 * The transactions of an erasure: the first takes the user out of the index's change log and
 * keeps the slots to clear in `erasures`; each chunk deletes their rows in some of those slots;
 * the last deletes the rest, every row naming them and the `erasures` row, and logs it again.
 */
export type EraseStep = "first" | "chunk" | "last";

/** One transaction of an erasure (eraseSqliteUser), here or on the writer thread. */
export type EraseRows = (slots: number[], step: EraseStep) => Promise<void>;

/**
 * Erases a user in chunks of ERASE_CHUNK_SLOTS of their active slots, each its own transaction,
 * with other batches committed between: a user with years of activity never holds up the
 * writes of everyone else. The user leaves the index (the analytics) first; what is written
 * for them meanwhile is marked there afresh and goes with the last chunk, with the rows naming
 * them. The slots it sets out to clear are kept in the file (`erasures`) with the first step:
 * cut short (a crash), the user stays out of the analytics and the erasure asked again clears
 * those slots too (`pendingSlots` reads them), though the index no longer holds them. The
 * index's change log records the erasure where the index makes it (first and last), so a
 * snapshot and the log after it erase the user where the index did; the index is saved again
 * once done, so the snapshot file stops holding the user (SECURITY.md).
 */
export async function eraseUserInChunks(
  keeper: SqliteIndexKeeper,
  platform: string,
  user: string,
  pendingSlots: () => number[],
  eraseRows: EraseRows,
): Promise<void> {
  const index = await keeper.get();
  const slots = await keeper.exclusiveSteady(async () => {
    const found = [...new Set([...index.slotsOf(platform, user), ...pendingSlots()])].sort(
      (a, b) => a - b,
    );
    await eraseRows(found, "first");
    keeper.erased(platform, user);
    return found;
  });
  for (let at = 0; at < slots.length; at += ERASE_CHUNK_SLOTS) {
    const chunk = slots.slice(at, at + ERASE_CHUNK_SLOTS);
    await keeper.exclusive(() => eraseRows(chunk, "chunk"));
    await nextTurn();
  }
  await keeper.exclusiveSteady(async () => {
    await eraseRows(index.slotsOf(platform, user), "last");
    keeper.erased(platform, user);
  });
  keeper.erasureDone();
}

/** The tables a user's rows are in, and the column naming the user; the rollups apart. */
const USER_TABLES = [
  ["erasures", "user_id"],
  ["users", "id"],
  ["sessions", "user_id"],
  ["page_visits", "user_id"],
  ["active_intervals", "user_id"],
  ["user_apps", "user_id"],
] as const;

/**
 * One step of an erasure (EraseStep), inside the caller's transaction. Neither the events nor
 * the rollups are indexed by user (migrations 5 and 6: such an index puts each write on one of
 * as many pages as there are users): the caller gives the slots the user was active in, which
 * the activity index holds exactly (every event marks its slot), so the cost follows the user's
 * slots and the events in them, never the span between their first and last activity nor the
 * table. The first and the last step record in the index's change log that the user was erased.
 */
export function eraseSqliteUser(
  stmt: StatementCache,
  platform: string,
  user: string,
  slots: number[],
  step: EraseStep,
): void {
  if (step !== "chunk") {
    const erased = new IndexWrites();
    erased.eraseUser(platform, user);
    logIndexWrites(stmt, erased);
  }
  if (step === "first") {
    stmt(
      `INSERT INTO erasures (platform_id, user_id, slots, started_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (platform_id, user_id) DO UPDATE SET slots = excluded.slots`,
    ).run(platform, user, JSON.stringify(slots), Date.now());
    return;
  }
  if (slots.length > 0) {
    const apps = stmt("SELECT app FROM user_apps WHERE platform_id = ? AND user_id = ?").all(
      platform,
      user,
    ) as Array<{ app: string }>;
    eraseSlotRows(stmt, platform, user, apps, slots);
    eraseEvents(stmt, platform, user, slots);
  }
  if (step !== "last") return;
  for (const [table, column] of USER_TABLES) {
    stmt(`DELETE FROM ${table} WHERE platform_id = ? AND ${column} = ?`).run(platform, user);
  }
}

/** The user's rollup rows in these slots: activity, and the counts of each event name per app. */
function eraseSlotRows(
  stmt: StatementCache,
  platform: string,
  user: string,
  apps: ReadonlyArray<{ app: string }>,
  slots: number[],
): void {
  const inSlots = JSON.stringify(slots);
  stmt(
    `DELETE FROM activity_slots INDEXED BY activity_slots_time
     WHERE platform_id = ? AND slot IN (SELECT value FROM json_each(?)) AND user_id = ?`,
  ).run(platform, inSlots, user);
  // An app's event names, one seek each on the primary key (platform_id, app, name, …).
  const firstName = stmt("SELECT min(name) FROM event_counts WHERE platform_id = ? AND app = ?");
  const nextName = stmt(
    "SELECT min(name) FROM event_counts WHERE platform_id = ? AND app = ? AND name > ?",
  );
  const deleteCounts = stmt(
    `DELETE FROM event_counts WHERE platform_id = ? AND app = ? AND name = ?
       AND slot IN (SELECT value FROM json_each(?)) AND user_id = ?`,
  );
  for (const { app } of apps) {
    let name = firstName.pluck().get(platform, app);
    while (typeof name === "string") {
      deleteCounts.run(platform, app, name, inSlots, user);
      name = nextName.pluck().get(platform, app, name);
    }
  }
}

/** The user's events, found by time (index events_time) in the runs of their active slots. */
function eraseEvents(
  stmt: StatementCache,
  platform: string,
  user: string,
  unsorted: number[],
): void {
  const slots = [...unsorted].sort((a, b) => a - b);
  // Without INDEXED BY the planner prefers the primary key's platform prefix: the whole platform.
  const deleteEvents = stmt(
    `DELETE FROM events INDEXED BY events_time
     WHERE ts >= ? AND ts < ? AND platform_id = ? AND user_id = ?`,
  );
  for (let at = 0; at < slots.length; ) {
    const first = slots[at] as number;
    let last = first;
    while (at + 1 < slots.length && slots[at + 1] === last + 1) last = slots[++at] as number;
    at++;
    deleteEvents.run(first * SLOT_MS, (last + 1) * SLOT_MS, platform, user);
  }
}
