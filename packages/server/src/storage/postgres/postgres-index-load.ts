// Reads the activity index from PostgreSQL's rollups, through a cursor of one transaction.
import { setImmediate as nextTurn } from "node:timers/promises";
import type pg from "pg";
import { ActivityIndex } from "../activity-index/activity-index.js";

/** Rows per FETCH of a load. */
const LOAD_FETCH_ROWS = 20_000;

export interface CursorOptions {
  /** Rows per FETCH (tests make them small). */
  rows?: number;
  /** True once the storage is closing: the load stops at its next FETCH. */
  isStopped: () => boolean;
}

/**
 * Every rollup the index holds, from the client's open transaction: users, activity slots in time
 * order per platform, last activity per app, and these message names' counts.
 */
export async function readRollups(
  client: pg.PoolClient,
  messageNames: string[] | null,
  cursor: CursorOptions,
): Promise<ActivityIndex> {
  const index = new ActivityIndex();
  // Numbers follow id order, as SQLite's load gives them.
  for await (const rows of fetchRows(
    client,
    cursor,
    `SELECT platform_id, id, name, email, role FROM users ORDER BY platform_id COLLATE "C", id COLLATE "C"`,
  )) {
    for (const [platform, id, name, email, role] of rows) {
      index.setUser(String(platform), String(id), String(name), String(email), String(role));
    }
  }
  // In time order per platform on activity_slots_time: the index files each day as it ends.
  let bulk: ReturnType<ActivityIndex["bulkSlots"]> | null = null;
  let bulkPlatform = "";
  const finish = async () => {
    if (!bulk) return;
    for (const _ of bulk.done()) await nextTurn();
  };
  for await (const rows of fetchRows(
    client,
    cursor,
    "SELECT platform_id, slot, user_id, app FROM activity_slots ORDER BY platform_id, slot",
  )) {
    for (const [platform, slot, user, app] of rows) {
      if (!bulk || platform !== bulkPlatform) {
        await finish();
        bulkPlatform = String(platform);
        bulk = index.bulkSlots(bulkPlatform);
      }
      bulk.mark(String(app), String(user), Number(slot));
    }
  }
  await finish();
  for await (const rows of fetchRows(
    client,
    cursor,
    "SELECT platform_id, app, user_id, last_active_at FROM user_apps",
  )) {
    for (const [platform, app, user, last] of rows) {
      index.touchApp(String(platform), String(app), String(user), Number(last));
    }
  }
  if (messageNames) await readMessages(client, index, messageNames, cursor);
  else await forgetErasuresInProgress(client, index);
  return index;
}

/** Makes `index` count these names as messages, from event_counts in the client's transaction. */
export async function readMessages(
  client: pg.PoolClient,
  index: ActivityIndex,
  names: string[],
  cursor: CursorOptions,
): Promise<void> {
  index.trackMessages(names);
  const bulks = new Map<string, ReturnType<ActivityIndex["bulkMessages"]>>();
  for await (const rows of fetchRows(
    client,
    cursor,
    "SELECT platform_id, app, user_id, slot, count FROM event_counts WHERE name = ANY($1::text[])",
    [names],
  )) {
    for (const [platform, app, user, slot, count] of rows) {
      let bulk = bulks.get(String(platform));
      if (!bulk) {
        bulk = index.bulkMessages(String(platform));
        bulks.set(String(platform), bulk);
      }
      bulk.add(String(app), String(user), Number(slot), Number(count));
    }
  }
  for (const bulk of bulks.values()) {
    for (const _ of bulk.done()) await nextTurn();
  }
  await forgetErasuresInProgress(client, index);
}

/**
 * Drops from `index` the users whose erasure began and has not ended (postgres-erasure.ts): the
 * indexes that follow the log dropped them at its first step, while rows in the slots it had not
 * reached yet (all of them, if it was cut short) are still in the rollups read here.
 */
async function forgetErasuresInProgress(
  client: pg.PoolClient,
  index: ActivityIndex,
): Promise<void> {
  const { rows } = await client.query<{ platform_id: string; user_id: string }>(
    "SELECT platform_id, user_id FROM erasures",
  );
  for (const row of rows) index.eraseUser(row.platform_id, row.user_id);
}

/**
 * Rows of one query through a cursor of the client's open transaction, as arrays, a FETCH at a
 * time; the next FETCH is on its way while the caller files the rows of this one.
 */
async function* fetchRows(
  client: pg.PoolClient,
  cursor: CursorOptions,
  sql: string,
  values: unknown[] = [],
): AsyncGenerator<unknown[][]> {
  await client.query(`DECLARE index_load NO SCROLL CURSOR FOR ${sql}`, values);
  const size = cursor.rows ?? LOAD_FETCH_ROWS;
  const fetchNext = () => {
    if (cursor.isStopped()) throw new Error("the storage was closed while the analytics loaded");
    return client.query<unknown[]>({ text: `FETCH ${size} FROM index_load`, rowMode: "array" });
  };
  let next: Promise<pg.QueryResult<unknown[]>> | null = fetchNext();
  try {
    while (next) {
      const rows: unknown[][] = (await next).rows;
      next = rows.length < size ? null : fetchNext();
      yield rows;
    }
  } finally {
    await next?.catch(() => undefined);
    await client.query("CLOSE index_load");
  }
}
