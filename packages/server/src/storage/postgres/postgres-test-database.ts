// Throwaway PostgreSQL databases for tests: each gets a unique name and is dropped afterwards.
import pg from "pg";

/** Where the tests' server is; tests may read the environment, the server code never does. */
export const TEST_DATABASE_URL =
  process.env.ROLLCALL_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** Under CI the PostgreSQL tests must run; elsewhere they are skipped when no server answers. */
export const IS_POSTGRES_REQUIRED = process.env.CI === "true";

/** host:port of the test server, without credentials, for a skip reason. */
export function testServerName(): string {
  const url = new URL(TEST_DATABASE_URL);
  return `${url.hostname}:${url.port || "5432"}`;
}

export async function isPostgresReachable(): Promise<boolean> {
  const client = new pg.Client({
    connectionString: TEST_DATABASE_URL,
    connectionTimeoutMillis: 2000,
  });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates databases from a connection to the test database and drops them all at the end. */
export class TestDatabases {
  private readonly created: string[] = [];
  private count = 0;

  constructor(private readonly label: string) {}

  /** A new empty database; returns its URL. */
  async create(): Promise<string> {
    const name = `rollcall_${this.label}_${process.pid}_${Date.now().toString(36)}_${this.count++}`;
    await this.admin(`CREATE DATABASE ${name}`);
    this.created.push(name);
    const url = new URL(TEST_DATABASE_URL);
    url.pathname = `/${name}`;
    return url.toString();
  }

  /** Drops every database made, four at a time (each drop waits for a checkpoint and the disk). */
  async dropAll(): Promise<void> {
    const names = this.created.splice(0);
    const dropNext = async (): Promise<void> => {
      for (let name = names.pop(); name !== undefined; name = names.pop()) {
        await this.admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      }
    };
    await Promise.all(Array.from({ length: 4 }, dropNext));
  }

  private async admin(sql: string): Promise<void> {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }
}
