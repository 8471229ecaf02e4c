// One transaction on a connection of its own from the pool: committed, or rolled back on failure.
import type pg from "pg";

/**
 * Runs `work` between `begin` and COMMIT on one pooled connection; rolls back if it throws. A
 * connection that cannot roll back is discarded rather than reused mid-transaction.
 */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
  begin = "BEGIN",
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query(begin);
    try {
      const result = await work(client);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      throw error;
    }
  } finally {
    client.release(broken);
  }
}
