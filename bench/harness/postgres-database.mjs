// A PostgreSQL database of the run's own (rollcall_bench_<random>), created and dropped from an
// existing one on the local server (trust auth), for the scenarios that run Rollcall on PostgreSQL.
import { randomBytes } from "node:crypto";
import pg from "pg";

/** An existing database to create and drop the run's own database from (trust auth). */
export const ADMIN_DATABASE_URL =
  process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/**
 * Runs one statement on the admin database (connection bounded in time).
 * @param {string} sql
 */
export function admin(sql) {
  return runOn(ADMIN_DATABASE_URL, sql, 60_000);
}

/**
 * Updates the planner's statistics of every table of database `name`, as one does after a bulk
 * load (autovacuum would, some time later); bounded by `timeoutMs`.
 * @param {string} name
 * @param {number} timeoutMs
 */
export function analyze(name, timeoutMs) {
  return runOn(databaseUrl(name), "ANALYZE", timeoutMs);
}

/**
 * @param {string} connectionString
 * @param {string} sql
 * @param {number} timeoutMs
 */
async function runOn(connectionString, sql, timeoutMs) {
  const client = new pg.Client({
    connectionString,
    connectionTimeoutMillis: 5_000,
    query_timeout: timeoutMs,
  });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * The URL of database `name` on the admin database's server.
 * @param {string} name
 */
export function databaseUrl(name) {
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A fresh name: rollcall_bench_<8 hex>. */
export function benchDatabaseName() {
  return `rollcall_bench_${randomBytes(4).toString("hex")}`;
}

/**
 * Drops database `name`, its connections with it.
 * @param {string} name
 */
export function dropDatabase(name) {
  return admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
