// An index snapshot kept in PostgreSQL for every node: what a node without one of its own (joining
// the cluster, or on a fresh disk) starts from instead of reading every rollup.
import { type FileHandle, open, rename, rm } from "node:fs/promises";
import type pg from "pg";
import { inTransaction } from "./postgres-transaction.js";

/** Bytes per row of a shared snapshot. */
const PART_BYTES = 8 * 1024 * 1024;

/** When the newest shared snapshot was saved (ms), or null if there is none. */
export async function sharedSnapshotSavedAt(pool: pg.Pool): Promise<number | null> {
  const { rows } = await pool.query<{ saved_at: number | null }>(
    "SELECT max(saved_at) AS saved_at FROM index_snapshots",
  );
  const savedAt = rows[0]?.saved_at;
  return savedAt === null || savedAt === undefined ? null : Number(savedAt);
}

/**
 * Copies a snapshot file (open as `handle`, of index log entry `seq`) into the database, in one
 * transaction that also deletes the older ones: nodes see a whole snapshot or none. Closes it.
 */
export async function shareSnapshot(
  pool: pg.Pool,
  handle: FileHandle,
  seq: number,
  now: number,
): Promise<void> {
  try {
    await inTransaction(pool, async (client) => {
      await client.query("DELETE FROM index_snapshot_parts WHERE seq = $1", [seq]);
      await client.query("DELETE FROM index_snapshots WHERE seq = $1", [seq]);
      let part = 0;
      for (;;) {
        const buffer = Buffer.allocUnsafe(PART_BYTES);
        const { bytesRead } = await handle.read(buffer, 0, PART_BYTES, part * PART_BYTES);
        if (bytesRead === 0) break;
        await client.query(
          "INSERT INTO index_snapshot_parts (seq, part, data) VALUES ($1, $2, $3)",
          [seq, part, buffer.subarray(0, bytesRead)],
        );
        part++;
      }
      await client.query("INSERT INTO index_snapshots (seq, parts, saved_at) VALUES ($1, $2, $3)", [
        seq,
        part,
        now,
      ]);
      await client.query("DELETE FROM index_snapshot_parts WHERE seq < $1", [seq]);
      await client.query("DELETE FROM index_snapshots WHERE seq < $1", [seq]);
    });
  } finally {
    await handle.close();
  }
}

/**
 * Writes the newest shared snapshot to `file` (through `file`.tmp and a rename); false if the
 * database holds none. The caller checks it as any snapshot file (loadIndexSnapshot).
 */
export async function fetchSharedSnapshot(pool: pg.Pool, file: string): Promise<boolean> {
  const { rows } = await pool.query<{ seq: number; parts: number }>(
    "SELECT seq, parts FROM index_snapshots ORDER BY seq DESC LIMIT 1",
  );
  const newest = rows[0];
  if (!newest) return false;
  const temporary = `${file}.tmp`;
  const handle = await open(temporary, "w");
  try {
    for (let part = 0; part < Number(newest.parts); part++) {
      const found = await pool.query<{ data: Buffer }>(
        "SELECT data FROM index_snapshot_parts WHERE seq = $1 AND part = $2",
        [newest.seq, part],
      );
      const data = found.rows[0]?.data;
      // Replaced by a newer one meanwhile: this node loads in full (or next time from that one).
      if (!data) throw new Error("the shared index snapshot was replaced while it was read");
      await handle.write(data);
    }
  } catch (error) {
    await handle.close();
    await rm(temporary, { force: true });
    throw error;
  }
  await handle.close();
  await rename(temporary, file);
  return true;
}
