// The SQLite activity index's load beside the writer thread: on a read-only connection of its own,
// from one read snapshot of the file begun between two batches, either the index snapshot saved
// beside the file plus the change-log rows after it, or every rollup; a slice at a time, with the
// event loop's other work between.
import { open, stat } from "node:fs/promises";
import { totalmem } from "node:os";
import { setImmediate as nextTurn } from "node:timers/promises";
import Database from "better-sqlite3";
import type { ActivityIndex } from "../activity-index/activity-index.js";
import { type IndexSnapshotStamp, loadIndexSnapshot } from "../activity-index/index-snapshot.js";
import { loadInSlices } from "./sqlite-activity-index.js";
import type { StatementCache } from "./sqlite-facts.js";
import { checkLogFollows, loggedAfter } from "./sqlite-index-log.js";

/** Change-log rows applied between pauses of a load. */
const REPLAY_SLICE_ROWS = 64;

/** What a load needs of the keeper it loads for. */
export interface LoadTurns {
  /** Runs `work` when no batch is on the writer thread (SqliteIndexKeeper.exclusive). */
  exclusive<T>(work: () => T): Promise<T>;
  /** True once the storage is closing: the load stops at its next slice. */
  isClosed(): boolean;
  /**
   * The read snapshot has begun (`stmt` reads it), between two batches: what the batches after
   * it commit is not in it, and must wait to be applied to the index the load makes.
   */
  began(stmt: StatementCache): void;
}

/** An index loaded from its snapshot file: the stamp it was saved with, the log rows applied. */
export interface SnapshotLoad {
  index: ActivityIndex;
  stamp: IndexSnapshotStamp;
  replayed: number;
}

/**
 * The index snapshot at `snapshot`, if there is one, of this file's data (its source), with
 * every change-log row after its seq still in the file; those rows are then applied. Null if
 * there is no snapshot; throws why one does not fit.
 */
export async function loadSnapshotAndLog(
  file: string,
  snapshot: string,
  turns: LoadTurns,
): Promise<SnapshotLoad | null> {
  const loaded = await loadIndexSnapshot(snapshot);
  if (!loaded) return null;
  stopIfClosed(turns);
  const { index, stamp } = loaded;
  return inReadSnapshot(
    file,
    turns,
    (stmt) => checkLogFollows(stmt, stamp),
    async (reader) => {
      let replayed = 0;
      for (const writes of loggedAfter(reader, stamp.seq)) {
        writes.apply(index);
        if (++replayed % REPLAY_SLICE_ROWS === 0) await pause(turns);
      }
      return { index, stamp, replayed };
    },
  );
}

/** Every rollup of the file, `sliceRows` rows at a time (sqlite-activity-index.ts). */
export async function loadRollupsInSlices(
  file: string,
  messageNames: string[] | null,
  sliceRows: number,
  turns: LoadTurns,
): Promise<ActivityIndex> {
  await readAhead(file, () => turns.isClosed());
  stopIfClosed(turns);
  return inReadSnapshot(
    file,
    turns,
    () => undefined,
    async (reader) => {
      const load = loadInSlices(reader, messageNames, sliceRows);
      for (let step = load.next(); ; step = load.next()) {
        if (step.done) return step.value;
        await pause(turns);
      }
    },
  );
}

/**
 * Runs `read` in one read transaction on a connection of its own, begun between two batches;
 * `check` reads first (SQLite takes the snapshot at a transaction's first read).
 */
async function inReadSnapshot<T>(
  file: string,
  turns: LoadTurns,
  check: (stmt: StatementCache) => void,
  read: (reader: Database.Database) => Promise<T>,
): Promise<T> {
  const reader = new Database(file, { readonly: true });
  try {
    await turns.exclusive(() => {
      reader.exec("BEGIN");
      const stmt = (sql: string) => reader.prepare(sql);
      check(stmt);
      turns.began(stmt);
    });
    const value = await read(reader);
    reader.exec("COMMIT");
    return value;
  } finally {
    reader.close();
  }
}

/** Lets the event loop's other work run, then stops the load if the storage is closing. */
async function pause(turns: LoadTurns): Promise<void> {
  await nextTurn();
  stopIfClosed(turns);
}

function stopIfClosed(turns: LoadTurns): void {
  if (turns.isClosed()) throw new Error("the storage was closed while the analytics loaded");
}

/**
 * Reads the file once from start to end, so the load's reads find its pages in the OS's cache:
 * the rollups' B-trees are spread over a file written a batch at a time, and read one page at a
 * time where they lie, a big file loads at the disk's random-read rate. A file of 10 M events
 * read cold: 159 s; read through first: 2 s + 39 s; 100 M events (20 GB): 664 s before this.
 * Skipped when the file would take more than half the memory: its pages would not stay.
 */
async function readAhead(file: string, stopped: () => boolean): Promise<void> {
  const { size } = await stat(file);
  if (size > totalmem() / 2) return;
  const handle = await open(file, "r");
  try {
    const buffer = Buffer.allocUnsafe(8 * 1024 * 1024);
    for (let at = 0; at < size && !stopped(); at += buffer.length) {
      await handle.read(buffer, 0, buffer.length, at);
    }
  } finally {
    await handle.close();
  }
}
