// SQLite adapter of Storage (better-sqlite3, WAL): the embedded default, one file under the data dir.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type Database from "better-sqlite3";
import { IndexWrites } from "../activity-index/activity-index.js";
import type { SnapshotLog } from "../activity-index/snapshot-saves.js";
import {
  type AppRecord,
  type AppScope,
  EXPORT_COLUMNS,
  EXPORT_KEYS,
  type ExportKind,
  type FactBatch,
  type OperatorRecord,
  type PageVisitRecord,
  type PlatformRecord,
  type SessionRecord,
  type SlotWindow,
  type Storage,
  type UserRecord,
  type UserTableQuery,
  type UserTableResult,
  type ViewerSessionFilter,
  type ViewerSessionRecord,
} from "../storage.js";
import {
  nullableApp,
  type Row,
  toPageVisit,
  toPlatform,
  toSession,
  toUser,
} from "../storage-rows.js";
import { applySqliteMigrations } from "./migrations.js";
import { eraseSqliteUser, eraseUserInChunks } from "./sqlite-erasure.js";
import { type FactsWritten, SqliteFactThread } from "./sqlite-fact-thread.js";
import {
  openSqliteDatabase,
  type StatementCache,
  statementCache,
  writeSqliteFacts,
} from "./sqlite-facts.js";
import { SqliteIndexKeeper } from "./sqlite-index-keeper.js";
import { trimIndexLog } from "./sqlite-index-log.js";
import { SqliteShareLinks } from "./sqlite-share-links.js";

export interface SqliteOptions {
  /**
   * Commit the facts on a writer thread (the server): a flush of thousands of rows then never
   * holds the event loop. Off for the CLI and for ":memory:" (a thread cannot share it).
   */
  writerThread?: boolean;
  /** Rows per slice when the analytics load beside the writer thread (tests make it small). */
  loadSliceRows?: number;
  /**
   * With the writer thread: where the activity index is saved, to load from at the next start
   * with the change log after it instead of reading every rollup (see SqliteIndexKeeper).
   */
  indexSnapshot?: string;
  /** How often the index is saved if it changed (default 10 minutes). */
  indexSnapshotEveryMs?: number;
  /** Where the keeper says what it did with snapshots. */
  log?: SnapshotLog;
}

/**
 * Opens (creating if needed) the database file. Choose it for one node: it is fast, needs no
 * service, and survives a process crash (WAL with synchronous=NORMAL); use PostgreSQL to run
 * several nodes.
 */
export function openSqliteStorage(file: string, options: SqliteOptions = {}): Storage {
  if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
  const db = openSqliteDatabase(file);
  const thread = options.writerThread && file !== ":memory:" ? new SqliteFactThread(file) : null;
  const statement = statementCache(db);
  const index = new SqliteIndexKeeper(db, statement, {
    file: thread ? file : null,
    ...(options.loadSliceRows ? { sliceRows: options.loadSliceRows } : {}),
    snapshot: thread ? (options.indexSnapshot ?? null) : null,
    ...(options.indexSnapshotEveryMs ? { snapshotEveryMs: options.indexSnapshotEveryMs } : {}),
    // On the writer thread while it runs; here once it has stopped (the storage closes).
    trimLog: (through, limit) =>
      thread?.isOpen
        ? thread.trimIndexLog(through, limit)
        : Promise.resolve(trimIndexLog(statement, through, limit)),
    ...(options.log ? { log: options.log } : {}),
  });
  return new SqliteStorage(db, statement, thread, index);
}

class SqliteStorage implements Storage {
  /** The write of a batch without a writer thread. */
  private readonly writeHere: Database.Transaction<typeof writeSqliteFacts>;
  private readonly eraseHere: Database.Transaction<typeof eraseSqliteUser>;
  readonly shareLinks: SqliteShareLinks;

  constructor(
    private readonly db: Database.Database,
    private readonly statement: StatementCache,
    private readonly thread: SqliteFactThread | null,
    private readonly index: SqliteIndexKeeper,
  ) {
    this.writeHere = db.transaction(writeSqliteFacts);
    this.eraseHere = db.transaction(eraseSqliteUser);
    this.shareLinks = new SqliteShareLinks(statement);
  }

  private stmt(sql: string): Database.Statement {
    return this.statement(sql);
  }

  async migrate(): Promise<{ applied: number[] }> {
    return { applied: applySqliteMigrations(this.db) };
  }

  async close(): Promise<void> {
    this.index.close();
    await this.index.exclusive(() => this.thread?.close());
    await this.index.saveAtClose();
    this.db.close();
  }

  async warmUp(messageNames: string[]): Promise<void> {
    await this.index.trackMessages(await this.index.get(messageNames), messageNames);
  }

  async ping(): Promise<void> {
    this.stmt("SELECT 1").get();
  }

  async createPlatform(platform: PlatformRecord): Promise<void> {
    this.stmt("INSERT INTO platforms (id, name, secrets, created_at) VALUES (?, ?, ?, ?)").run(
      platform.id,
      platform.name,
      JSON.stringify(platform.secrets),
      platform.createdAt,
    );
  }

  async getPlatform(id: string): Promise<PlatformRecord | null> {
    const row = this.stmt("SELECT * FROM platforms WHERE id = ?").get(id) as Row | undefined;
    return row ? toPlatform(row) : null;
  }

  async listPlatforms(): Promise<PlatformRecord[]> {
    return (this.stmt("SELECT * FROM platforms ORDER BY id").all() as Row[]).map(toPlatform);
  }

  async setPlatformSecrets(id: string, secrets: string[]): Promise<void> {
    this.stmt("UPDATE platforms SET secrets = ? WHERE id = ?").run(JSON.stringify(secrets), id);
  }

  async listUsers(): Promise<UserRecord[]> {
    return (this.stmt("SELECT * FROM users").all() as Row[]).map(toUser);
  }

  /** Erases a user a chunk of their slots at a time (sqlite-erasure.ts). */
  async deleteUser(platform: string, user: string): Promise<void> {
    const pending = () =>
      JSON.parse(
        (this.stmt("SELECT slots FROM erasures WHERE platform_id = ? AND user_id = ?")
          .pluck()
          .get(platform, user) as string | undefined) ?? "[]",
      ) as number[];
    await eraseUserInChunks(this.index, platform, user, pending, async (slots, step) => {
      if (this.thread) await this.thread.erase(platform, user, slots, step);
      else this.eraseHere(this.statement, platform, user, slots, step);
    });
  }

  async writeFacts(batch: FactBatch): Promise<void> {
    const thread = this.thread;
    if (!thread) {
      // Recorded whether or not an index is held: the index's change log takes them.
      const indexed = new IndexWrites();
      const userWrites = this.writeHere(this.statement, batch, Date.now(), indexed);
      this.index.written(this.index.recording ? indexed : null, userWrites, false);
      return;
    }
    await this.index.exclusive(async () => {
      const withUsers = batch.users.length > 0;
      if (withUsers) this.index.sendingUsers();
      let written: FactsWritten = { ops: null, userWrites: null };
      try {
        written = await thread.write(batch, this.index.recording);
      } finally {
        this.index.written(
          written.ops && new IndexWrites(written.ops),
          written.userWrites,
          withUsers,
        );
      }
    });
  }

  async openSessions(): Promise<SessionRecord[]> {
    return (this.stmt("SELECT * FROM sessions WHERE ended_at IS NULL").all() as Row[]).map(
      toSession,
    );
  }

  async closeDanglingIntervals(
    ends: Array<{ platform: string; user: string; at: number }>,
  ): Promise<void> {
    const visits = this.stmt(
      `UPDATE page_visits SET ended_at = max(started_at, ?)
       WHERE platform_id = ? AND user_id = ? AND ended_at IS NULL`,
    );
    const active = this.stmt(
      `UPDATE active_intervals SET ended_at = max(started_at, ?)
       WHERE platform_id = ? AND user_id = ? AND ended_at IS NULL`,
    );
    this.db.transaction(() => {
      for (const end of ends) {
        visits.run(end.at, end.platform, end.user);
        active.run(end.at, end.platform, end.user);
      }
    })();
  }

  async sessionsEndedSince(platform: string, since: number): Promise<SessionRecord[]> {
    return (
      this.stmt("SELECT * FROM sessions WHERE platform_id = ? AND ended_at >= ?").all(
        platform,
        since,
      ) as Row[]
    ).map(toSession);
  }

  async userSessionsBetween(
    platform: string,
    user: string,
    from: number,
    to: number,
  ): Promise<SessionRecord[]> {
    return (
      this.stmt(
        `SELECT * FROM sessions WHERE platform_id = ? AND user_id = ?
         AND started_at < ? AND coalesce(ended_at, last_live_at) >= ? ORDER BY started_at`,
      ).all(platform, user, to, from) as Row[]
    ).map(toSession);
  }

  async userRecentVisits(
    platform: string,
    user: string,
    limit: number,
  ): Promise<PageVisitRecord[]> {
    return (
      this.stmt(
        `SELECT * FROM page_visits WHERE platform_id = ? AND user_id = ?
         ORDER BY started_at DESC LIMIT ?`,
      ).all(platform, user, limit) as Row[]
    ).map(toPageVisit);
  }

  async countEvents(platform: string): Promise<number> {
    const row = this.stmt("SELECT count(*) AS n FROM events WHERE platform_id = ?").get(
      platform,
    ) as Row;
    return Number(row.n);
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
    return (
      this.stmt(
        `SELECT app, count(*) AS users, max(last_active_at) AS last FROM user_apps
         WHERE platform_id = ? AND app != '' GROUP BY app ORDER BY app`,
      ).all(platform) as Row[]
    ).map((row) => ({
      id: String(row.app),
      users: Number(row.users),
      lastActivityAt: row.last === null ? null : Number(row.last),
    }));
  }

  async deleteEventsBefore(before: number, limit: number): Promise<number> {
    return this.stmt(
      `DELETE FROM events WHERE (platform_id, id) IN
         (SELECT platform_id, id FROM events WHERE ts < ? LIMIT ?)`,
    ).run(before, limit).changes;
  }

  async *exportRows(platform: string, kind: ExportKind): AsyncIterable<Record<string, unknown>> {
    const sql = `SELECT ${EXPORT_COLUMNS[kind].join(", ")} FROM ${kind}
      WHERE platform_id = ? ORDER BY ${EXPORT_KEYS[kind].join(", ")}`;
    // A statement of its own: iterate() holds it until the loop ends.
    for (const row of this.db.prepare(sql).iterate(platform) as IterableIterator<Row>) {
      yield kind === "page_visits" || kind === "events"
        ? { ...row, app: nullableApp(row.app) }
        : row;
    }
  }

  async createOperator(operator: OperatorRecord): Promise<void> {
    this.stmt(
      `INSERT INTO operators (email, name, password_hash, created_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (email) DO UPDATE SET name = excluded.name, password_hash = excluded.password_hash`,
    ).run(operator.email, operator.name, operator.passwordHash, operator.createdAt);
  }

  async getOperator(email: string): Promise<OperatorRecord | null> {
    const row = this.stmt("SELECT * FROM operators WHERE email = ?").get(email) as Row | undefined;
    if (!row) return null;
    return {
      email: String(row.email),
      name: String(row.name),
      passwordHash: String(row.password_hash),
      createdAt: Number(row.created_at),
    };
  }

  async saveViewerSession(session: ViewerSessionRecord): Promise<void> {
    this.stmt("INSERT INTO viewer_sessions (id_hash, viewer, expires_at) VALUES (?, ?, ?)").run(
      session.idHash,
      JSON.stringify(session.viewer),
      session.expiresAt,
    );
  }

  async getViewerSession(idHash: string, now: number): Promise<ViewerSessionRecord | null> {
    const row = this.stmt("SELECT * FROM viewer_sessions WHERE id_hash = ? AND expires_at > ?").get(
      idHash,
      now,
    ) as Row | undefined;
    if (!row) return null;
    return {
      idHash: String(row.id_hash),
      viewer: JSON.parse(String(row.viewer)),
      expiresAt: Number(row.expires_at),
    };
  }

  async deleteViewerSession(idHash: string): Promise<void> {
    this.stmt("DELETE FROM viewer_sessions WHERE id_hash = ?").run(idHash);
  }

  async deleteViewerSessions({ viewer, platform }: ViewerSessionFilter): Promise<number> {
    // Sessions are few (one per sign-in, for hours): a scan of the viewer JSON is cheap enough.
    return this.stmt(
      `DELETE FROM viewer_sessions
        WHERE (:viewer IS NULL OR json_extract(viewer, '$.id') = :viewer)
          AND (:platform IS NULL OR json_extract(viewer, '$.platform') = :platform)`,
    ).run({ viewer: viewer ?? null, platform: platform ?? null }).changes;
  }
}
