// Erasing a user from PostgreSQL without indexes by user on the big tables: their events and
// rollup rows are found by the slots the activity index holds for them, as SQLite's erasure does.
import type pg from "pg";
import { SLOT_MS } from "../storage.js";

/**
 * Taken shared by every transaction that writes events or rollups (its BEGIN, FACTS_BEGIN) and
 * exclusive by an erasure: an erasure waits for the writes in flight, reads the user's slots from
 * an index holding all of them, and deletes before any other write of that user can land outside
 * those slots. Advisory locks are per database; writers never wait for each other on it.
 */
const ERASURE_LOCK = 7_265_637_017;

/** The BEGIN of a transaction that writes facts: one round trip, the erasure lock shared. */
export const FACTS_BEGIN = `BEGIN; SELECT pg_advisory_xact_lock_shared(${ERASURE_LOCK})`;

/** Waits for the fact writes in flight and holds off new ones until the caller's commit. */
export async function holdFactWrites(client: pg.ClientBase): Promise<void> {
  await client.query(`SELECT pg_advisory_xact_lock(${ERASURE_LOCK})`);
}

/** Tables keyed by user first: found through their primary keys. */
const USER_TABLES = ["sessions", "page_visits", "active_intervals"];

/**
 * Deletes everything of `user`: `slots` must hold every slot they were active in (the index's
 * slotsOf, read after holdFactWrites). Events are found by time (events_time) in the runs of
 * those slots; activity rows by slot (activity_slots_time); counts through the primary key, for
 * each of the user's apps and each event name the app has. user_apps and users go last.
 */
export async function eraseUserRows(
  client: pg.ClientBase,
  platform: string,
  user: string,
  slots: number[],
): Promise<void> {
  for (const table of USER_TABLES) {
    await client.query(`DELETE FROM ${table} WHERE platform_id = $1 AND user_id = $2`, [
      platform,
      user,
    ]);
  }
  if (slots.length > 0) {
    const [from, to] = slotRuns(slots);
    await client.query(
      `DELETE FROM events e USING unnest($3::bigint[], $4::bigint[]) AS r(lo, hi)
       WHERE e.ts >= r.lo AND e.ts < r.hi AND e.platform_id = $1 AND e.user_id = $2`,
      [platform, user, from, to],
    );
    await client.query(
      `DELETE FROM activity_slots
       WHERE platform_id = $1 AND slot = ANY($3::bigint[]) AND user_id = $2`,
      [platform, user, slots],
    );
    await client.query(
      `WITH RECURSIVE apps AS (
         SELECT app FROM user_apps WHERE platform_id = $1 AND user_id = $2
       ),
       names AS (
         SELECT a.app, (SELECT min(c.name) FROM event_counts c
           WHERE c.platform_id = $1 AND c.app = a.app) AS name
         FROM apps a
         UNION ALL
         SELECT n.app, (SELECT min(c.name) FROM event_counts c
           WHERE c.platform_id = $1 AND c.app = n.app AND c.name > n.name)
         FROM names n WHERE n.name IS NOT NULL
       ),
       keys AS (
         SELECT n.app, n.name, s.slot FROM names n, unnest($3::bigint[]) AS s(slot)
         WHERE n.name IS NOT NULL
       )
       DELETE FROM event_counts c USING keys k
       WHERE c.platform_id = $1 AND c.app = k.app AND c.name = k.name AND c.slot = k.slot
         AND c.user_id = $2`,
      [platform, user, slots],
    );
  }
  await client.query(
    `WITH apps AS (DELETE FROM user_apps WHERE platform_id = $1 AND user_id = $2)
     DELETE FROM users WHERE platform_id = $1 AND id = $2`,
    [platform, user],
  );
}

/** The runs of consecutive slots as [from, to) epoch milliseconds, in two arrays. */
function slotRuns(unsorted: number[]): [number[], number[]] {
  const slots = [...unsorted].sort((a, b) => a - b);
  const from: number[] = [];
  const to: number[] = [];
  for (let at = 0; at < slots.length; ) {
    const first = slots[at] as number;
    let last = first;
    while (at + 1 < slots.length && (slots[at + 1] as number) <= last + 1)
      last = slots[++at] as number;
    at++;
    from.push(first * SLOT_MS);
    to.push((last + 1) * SLOT_MS);
  }
  return [from, to];
}
