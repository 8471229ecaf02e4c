// Erasing a user from PostgreSQL without indexes by user on the big tables: their events and
// rollup rows are found by the slots the activity index holds for them, a chunk of slots per
// transaction while other writes go on, as SQLite's erasure does.
import type pg from "pg";
import { SLOT_MS } from "../storage.js";
import type { IndexLogEntry } from "./postgres-index-log.js";

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

/** Tables keyed by user first: found through their primary keys. The erasure's own row too. */
const USER_TABLES = ["erasures", "sessions", "page_visits", "active_intervals"];

/**
 * Active slots of a user erased per transaction between the first and the last. A chunk scans
 * the platform's events in its slots (events_time holds the user, so no table row is read for
 * another user's event): 1,000 slots of the bench's 100 M-event history are ~17 M index entries.
 * A chunk holds no lock but its rows', so other writes go on while it runs.
 */
export const ERASE_CHUNK_SLOTS = 1_000;

/** What an erasure needs of its storage. */
export interface ErasureSteps {
  /** Runs `work` in one transaction on a pooled connection. */
  inTransaction<T>(work: (client: pg.ClientBase) => Promise<T>): Promise<T>;
  /** The user's active slots in the index, caught up to the log's head. */
  slotsOf(platform: string, user: string): Promise<number[]>;
  /** Appends "this user is erased" to the index log in `client`'s transaction. */
  logErasure(client: pg.ClientBase): Promise<IndexLogEntry>;
  /** Applies this node's own committed log entry to its index. */
  committed(entry: IndexLogEntry): Promise<void>;
}

/**
 * Erases a user in three steps, so that fact writes (every node's) wait only for the first and
 * the last, each a few milliseconds, never for the scan of their history:
 * 1. with writes held: read the slots they were active in, keep them in `erasures`, and log the
 *    erasure (every node's index drops them; what is written for them from now on is marked
 *    there afresh);
 * 2. their rows in those slots, ERASE_CHUNK_SLOTS a transaction, while others write;
 * 3. with writes held: their rows in the slots marked since 1, every row naming them, and the
 *    erasure logged again.
 * A write of theirs committed before 3 goes with them; one after it stays, in the database and
 * every index alike. Cut short (a crash, the database gone), the user is out of the analytics
 * and rows in slots not yet reached stay until the erasure is asked again, on any node: it
 * clears the slots kept in `erasures` as well as those the index holds then.
 */
export async function eraseUserInChunks(
  steps: ErasureSteps,
  platform: string,
  user: string,
): Promise<void> {
  const [slots, first] = await steps.inTransaction(async (client) => {
    await holdFactWrites(client);
    const found = await steps.slotsOf(platform, user);
    return [
      await pendingSlots(client, platform, user, found),
      await steps.logErasure(client),
    ] as const;
  });
  await steps.committed(first);
  for (let at = 0; at < slots.length; at += ERASE_CHUNK_SLOTS) {
    const chunk = slots.slice(at, at + ERASE_CHUNK_SLOTS);
    await steps.inTransaction((client) => eraseSlotRows(client, platform, user, chunk));
  }
  const last = await steps.inTransaction(async (client) => {
    await holdFactWrites(client);
    await eraseSlotRows(client, platform, user, await steps.slotsOf(platform, user));
    await eraseUserRecords(client, platform, user);
    return steps.logErasure(client);
  });
  await steps.committed(last);
}

/**
 * Keeps `found` in `erasures` with whatever an earlier attempt cut short kept there; returns
 * both, in time order (a chunk's events are then a few runs of time, not scattered slots).
 */
async function pendingSlots(
  client: pg.ClientBase,
  platform: string,
  user: string,
  found: number[],
): Promise<number[]> {
  const { rows } = await client.query<{ slots: Array<number | string> }>(
    `INSERT INTO erasures AS e (platform_id, user_id, slots, started_at)
     VALUES ($1, $2, ARRAY(SELECT DISTINCT s FROM unnest($3::bigint[]) AS s ORDER BY s), $4)
     ON CONFLICT (platform_id, user_id) DO UPDATE SET slots = ARRAY(
       SELECT DISTINCT s FROM unnest(e.slots || EXCLUDED.slots) AS s ORDER BY s
     )
     RETURNING slots`,
    [platform, user, found, Date.now()],
  );
  return (rows[0]?.slots ?? []).map(Number);
}

/**
 * Deletes the user's events and rollup rows in `slots`. Events are found by time (events_time)
 * in the runs of those slots; activity rows by slot (activity_slots_time); counts through the
 * primary key, for each of the user's apps and each event name the app has.
 */
async function eraseSlotRows(
  client: pg.ClientBase,
  platform: string,
  user: string,
  slots: number[],
): Promise<void> {
  if (slots.length === 0) return;
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

/** The user's sessions, visits, intervals, apps, profile and erasure: every row naming them by key. */
async function eraseUserRecords(
  client: pg.ClientBase,
  platform: string,
  user: string,
): Promise<void> {
  for (const table of USER_TABLES) {
    await client.query(`DELETE FROM ${table} WHERE platform_id = $1 AND user_id = $2`, [
      platform,
      user,
    ]);
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
