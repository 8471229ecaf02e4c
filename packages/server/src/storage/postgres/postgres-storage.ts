// PostgreSQL adapter of Storage (node-postgres pool): for several Rollcall nodes sharing one database.
import type { Viewer } from "@rollcall/protocol";
import pg from "pg";
import { IndexWrites } from "../activity-index/activity-index.js";
import type {
  AppRecord,
  AppScope,
  ExportKind,
  FactBatch,
  OperatorRecord,
  PageVisitRecord,
  PlatformRecord,
  SessionRecord,
  SlotWindow,
  Storage,
  UserRecord,
  UserTableQuery,
  UserTableResult,
  ViewerSessionFilter,
  ViewerSessionRecord,
} from "../storage.js";
import { EXPORT_COLUMNS, EXPORT_KEYS } from "../storage.js";
import {
  nullableApp,
  type Row,
  toPageVisit,
  toPlatform,
  toSession,
  toUser,
} from "../storage-rows.js";
import { listApps, type Run } from "./postgres-analytics.js";
import { eraseUserInChunks, FACTS_BEGIN } from "./postgres-erasure.js";
import { factStatements } from "./postgres-facts.js";
import { PostgresIndexKeeper, type PostgresIndexKeeperOptions } from "./postgres-index-keeper.js";
import {
  batchIndexWrites,
  type IndexLogEntry,
  logStatement,
  NO_EVENTS,
} from "./postgres-index-log.js";
import { applyPostgresMigrations } from "./postgres-migrations.js";
import { PostgresShareLinks } from "./postgres-share-links.js";
import { inTransaction, withConnection } from "./postgres-transaction.js";

const INT8_OID = 20;
const EXPORT_PAGE = 5_000;
const NUMERIC_OID = 1700;

/**
 * BIGINT (and NUMERIC) come back as JS numbers, for this pool only: the global parsers other code
 * may rely on stay as they are. Epoch milliseconds and counts fit a double exactly.
 */
const numericTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === INT8_OID || oid === NUMERIC_OID
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig["getTypeParser"],
};

export interface PostgresStorageOptions extends Omit<PostgresIndexKeeperOptions, "url"> {
  /** Failures of the analytics' background work (following the log); it tries again. */
  onBackgroundError?: (error: unknown) => void;
}

/**
 * Connects lazily to the database at `url` (a pool of up to 10 connections). Choose it to run
 * several nodes or to keep data on a managed database; SQLite is simpler for one node.
 */
export function openPostgresStorage(url: string, options: PostgresStorageOptions = {}): Storage {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    // Without it, a database that drops packets (rather than refusing) hangs every request; with
    // it they fail as `unavailable` (also when all 10 connections stay busy that long).
    connectionTimeoutMillis: 5_000,
    types: numericTypes,
    // Our statements are short, and the planner overestimates generate_series: JIT compiling
    // took half of a 10,000-event write and saved nothing.
    options: "-c jit=off",
  });
  // A connection that breaks while idle is dropped by the pool and replaced on the next query,
  // where errors surface; without a listener the error would end the process.
  pool.on("error", () => undefined);
  const { onBackgroundError, ...keeperOptions } = options;
  const index = new PostgresIndexKeeper(pool, { ...keeperOptions, url }, onBackgroundError);
  return new PostgresStorage(pool, index);
}

class PostgresStorage implements Storage {
  constructor(
    private readonly pool: pg.Pool,
    /** The analytics, in memory, as SQLite's (postgres-index-keeper.ts). */
    private readonly index: PostgresIndexKeeper,
  ) {}

  private readonly run: Run = async (text, values) =>
    (await this.pool.query<Row>(text, values)).rows;

  readonly shareLinks = new PostgresShareLinks(this.run);

  async migrate(): Promise<{ applied: number[] }> {
    return withConnection(this.pool, async (client) => ({
      applied: await applyPostgresMigrations(client),
    }));
  }

  async close(): Promise<void> {
    await this.index.close();
    await this.pool.end();
  }

  /** Loads the analytics' index from the rollups, then follows the log. */
  async warmUp(messageNames: string[]): Promise<void> {
    await this.index.trackMessages(await this.index.get(messageNames), messageNames);
  }

  async ping(): Promise<void> {
    await this.run("SELECT 1", []);
  }

  async createPlatform(platform: PlatformRecord): Promise<void> {
    await this.run(
      "INSERT INTO platforms (id, name, secrets, created_at) VALUES ($1, $2, $3, $4)",
      [platform.id, platform.name, JSON.stringify(platform.secrets), platform.createdAt],
    );
  }

  async getPlatform(id: string): Promise<PlatformRecord | null> {
    const [row] = await this.run("SELECT * FROM platforms WHERE id = $1", [id]);
    return row ? toPlatform(row) : null;
  }

  async listPlatforms(): Promise<PlatformRecord[]> {
    return (await this.run(`SELECT * FROM platforms ORDER BY id COLLATE "C"`, [])).map(toPlatform);
  }

  async setPlatformSecrets(id: string, secrets: string[]): Promise<void> {
    await this.run("UPDATE platforms SET secrets = $1 WHERE id = $2", [
      JSON.stringify(secrets),
      id,
    ]);
  }

  async listUsers(): Promise<UserRecord[]> {
    return (await this.run("SELECT * FROM users", [])).map(toUser);
  }

  async deleteUser(platform: string, user: string): Promise<void> {
    // Caught up before the first step too, so that the catch-up under its lock (writers wait) is short.
    await this.index.get();
    const erase = new IndexWrites();
    erase.eraseUser(platform, user);
    await eraseUserInChunks(
      {
        inTransaction: (work) => this.inTransaction(work),
        slotsOf: async (p, u) => (await this.index.get()).slotsOf(p, u),
        logErasure: (client) => this.log(client, erase.toLogText(), NO_EVENTS, Date.now()),
        committed: (entry) => this.index.committed(entry),
      },
      platform,
      user,
    );
    this.index.erased();
  }

  async writeFacts(batch: FactBatch): Promise<void> {
    const entry = await this.commitFacts(batch);
    if (entry) await this.index.committed(entry);
  }

  /**
   * Runs a batch's statements in one transaction, then its index log entry if it changes what
   * the analytics read; returns that entry.
   */
  private async commitFacts(batch: FactBatch): Promise<IndexLogEntry | null> {
    const now = Date.now();
    const statements = factStatements(batch, now);
    const writes = batchIndexWrites(batch);
    const [only] = statements;
    if (!only) return null;
    // A single statement without index changes is atomic by itself: no transaction's round trips.
    if (statements.length === 1 && writes.ops.length === 0 && batch.events.length === 0) {
      await this.pool.query(only);
      return null;
    }
    return this.inTransaction(async (client) => {
      let events = NO_EVENTS;
      for (const statement of statements) {
        const { rows } = await client.query<Row>(statement);
        if (rows[0]?.new_events !== undefined) events = String(rows[0].new_events);
      }
      if (writes.ops.length === 0 && events === NO_EVENTS) return null;
      return this.log(client, writes.toLogText(), events, now);
    }, FACTS_BEGIN);
  }

  /** Appends an index log entry: the last statement of the caller's transaction. */
  private async log(
    client: pg.ClientBase,
    ops: string,
    events: string,
    now: number,
  ): Promise<IndexLogEntry> {
    const { rows } = await client.query<Row>(logStatement(ops, events, now));
    return { seq: Number(rows[0]?.seq), ops, events };
  }

  private inTransaction<T>(
    work: (client: pg.PoolClient) => Promise<T>,
    begin?: string,
  ): Promise<T> {
    return inTransaction(this.pool, work, begin);
  }

  async openSessions(): Promise<SessionRecord[]> {
    return (await this.run("SELECT * FROM sessions WHERE ended_at IS NULL", [])).map(toSession);
  }

  async closeDanglingIntervals(
    ends: Array<{ platform: string; user: string; at: number }>,
  ): Promise<void> {
    // The first end given for a user closes their intervals; later ones find nothing open.
    const firsts = new Map<string, { platform: string; user: string; at: number }>();
    for (const end of ends) {
      const key = JSON.stringify([end.platform, end.user]);
      if (!firsts.has(key)) firsts.set(key, end);
    }
    const rows = [...firsts.values()];
    if (rows.length === 0) return;
    await this.run(
      `WITH ends AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[]) AS t(p, u, at)
       ),
       visits AS (
         UPDATE page_visits x SET ended_at = greatest(x.started_at, ends.at) FROM ends
         WHERE x.platform_id = ends.p AND x.user_id = ends.u AND x.ended_at IS NULL
       )
       UPDATE active_intervals x SET ended_at = greatest(x.started_at, ends.at) FROM ends
       WHERE x.platform_id = ends.p AND x.user_id = ends.u AND x.ended_at IS NULL`,
      [rows.map((r) => r.platform), rows.map((r) => r.user), rows.map((r) => r.at)],
    );
  }

  async sessionsEndedSince(platform: string, since: number): Promise<SessionRecord[]> {
    return (
      await this.run("SELECT * FROM sessions WHERE platform_id = $1 AND ended_at >= $2", [
        platform,
        since,
      ])
    ).map(toSession);
  }

  async userSessionsBetween(
    platform: string,
    user: string,
    from: number,
    to: number,
  ): Promise<SessionRecord[]> {
    return (
      await this.run(
        `SELECT * FROM sessions WHERE platform_id = $1 AND user_id = $2
         AND started_at < $3 AND coalesce(ended_at, last_live_at) >= $4 ORDER BY started_at`,
        [platform, user, to, from],
      )
    ).map(toSession);
  }

  async userRecentVisits(
    platform: string,
    user: string,
    limit: number,
  ): Promise<PageVisitRecord[]> {
    return (
      await this.run(
        `SELECT * FROM page_visits WHERE platform_id = $1 AND user_id = $2
         ORDER BY started_at DESC LIMIT $3`,
        [platform, user, limit],
      )
    ).map(toPageVisit);
  }

  async deleteEventsBefore(before: number, limit: number): Promise<number> {
    const result = await this.pool.query(
      `DELETE FROM events WHERE (platform_id, id) IN
         (SELECT platform_id, id FROM events WHERE ts < $1 LIMIT $2)`,
      [before, limit],
    );
    return result.rowCount ?? 0;
  }

  async *exportRows(platform: string, kind: ExportKind): AsyncIterable<Record<string, unknown>> {
    // Keyset pages in primary-key order (byte order, as the keys compare), never OFFSET.
    const keys = EXPORT_KEYS[kind];
    const order = keys.map(
      (k) => `${k}${k === "id" || k === "user_id" || k === "tab" ? ' COLLATE "C"' : ""}`,
    );
    let after: unknown[] | null = null;
    for (;;) {
      const values: unknown[] = [platform];
      let where = "platform_id = $1";
      if (after) {
        const placeholders = after.map((_, i) => `$${i + 2}`);
        where += ` AND (${order.join(", ")}) > (${placeholders.join(", ")})`;
        values.push(...after);
      }
      const rows = await this.run(
        `SELECT ${EXPORT_COLUMNS[kind].join(", ")} FROM ${kind} WHERE ${where}
         ORDER BY ${order.join(", ")} LIMIT ${EXPORT_PAGE}`,
        values,
      );
      for (const row of rows) {
        yield kind === "page_visits" || kind === "events"
          ? { ...row, app: nullableApp(row.app) }
          : row;
      }
      if (rows.length < EXPORT_PAGE) return;
      const last = rows[rows.length - 1]!;
      after = keys.map((k) => last[k]);
    }
  }

  async countEvents(platform: string): Promise<number> {
    const [row] = await this.run("SELECT count(*) AS n FROM events WHERE platform_id = $1", [
      platform,
    ]);
    return Number(row?.n ?? 0);
  }

  async countActiveUsers(scope: AppScope, windows: SlotWindow[]): Promise<number[]> {
    return (await this.index.get()).countActiveUsers(scope, windows);
  }

  async countKnownUsers(scope: AppScope): Promise<number> {
    return (await this.index.get()).countKnownUsers(scope);
  }

  async userTable(query: UserTableQuery): Promise<UserTableResult> {
    const index = await this.index.get();
    await this.index.trackMessages(index, query.messageNames);
    return index.userTable(query);
  }

  async listApps(platform: string): Promise<AppRecord[]> {
    return listApps(this.run, platform);
  }

  async createOperator(operator: OperatorRecord): Promise<void> {
    await this.run(
      `INSERT INTO operators (email, name, password_hash, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (email) DO UPDATE SET name = excluded.name, password_hash = excluded.password_hash`,
      [operator.email, operator.name, operator.passwordHash, operator.createdAt],
    );
  }

  async getOperator(email: string): Promise<OperatorRecord | null> {
    const [row] = await this.run("SELECT * FROM operators WHERE email = $1", [email]);
    if (!row) return null;
    return {
      email: String(row.email),
      name: String(row.name),
      passwordHash: String(row.password_hash),
      createdAt: Number(row.created_at),
    };
  }

  async saveViewerSession(session: ViewerSessionRecord): Promise<void> {
    await this.run(
      "INSERT INTO viewer_sessions (id_hash, viewer, expires_at) VALUES ($1, $2, $3)",
      [session.idHash, JSON.stringify(session.viewer), session.expiresAt],
    );
  }

  async getViewerSession(idHash: string, now: number): Promise<ViewerSessionRecord | null> {
    const [row] = await this.run(
      "SELECT * FROM viewer_sessions WHERE id_hash = $1 AND expires_at > $2",
      [idHash, now],
    );
    if (!row) return null;
    const viewer: Viewer = JSON.parse(String(row.viewer));
    return { idHash: String(row.id_hash), viewer, expiresAt: Number(row.expires_at) };
  }

  async deleteViewerSession(idHash: string): Promise<void> {
    await this.run("DELETE FROM viewer_sessions WHERE id_hash = $1", [idHash]);
  }

  async deleteViewerSessions({ viewer, platform }: ViewerSessionFilter): Promise<number> {
    // Sessions are few (one per sign-in, for hours): a scan of the viewer JSON is cheap enough.
    const deleted = await this.run(
      `DELETE FROM viewer_sessions
        WHERE ($1::text IS NULL OR viewer::json->>'id' = $1)
          AND ($2::text IS NULL OR viewer::json->>'platform' = $2)
        RETURNING 1`,
      [viewer ?? null, platform ?? null],
    );
    return deleted.length;
  }
}
