// A connection of its own from the pool, for one transaction or a migration: released whatever
// happens, and discarded if its connection broke.
import type pg from "pg";

/**
 * Runs `work` on one pooled connection. The pool listens for a connection's errors only while it
 * is idle: a connection that dies while checked out (PostgreSQL restarted, the network cut)
 * fails the statement in flight and emits `error` on the client, which with no listener ends
 * the process. This listens while `work` runs, and such a connection is discarded, not reused;
 * so is one `work` calls `discard` for.
 */
export async function withConnection<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient, discard: (error: Error) => void) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const discard = (error: Error) => {
    broken ??= error;
  };
  client.on("error", discard);
  try {
    return await work(client, discard);
  } finally {
    client.removeListener("error", discard);
    client.release(broken);
  }
}

/**
 * Runs `work` between `begin` and COMMIT on one pooled connection; rolls back if it throws. A
 * connection that cannot roll back is discarded rather than reused mid-transaction.
 */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
  begin = "BEGIN",
): Promise<T> {
  return withConnection(pool, async (client, discard) => {
    await client.query(begin);
    try {
      const result = await work(client);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(discard);
      throw error;
    }
  });
}
