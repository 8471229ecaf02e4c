// Each PostgreSQL node's in-memory activity index: loaded from one snapshot of the rollups, then
// kept current by following the index log that every node's writes append to.
import { type FileHandle, mkdir, open, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { setImmediate as nextTurn } from "node:timers/promises";
import pg from "pg";
import type { ActivityIndex } from "../activity-index/activity-index.js";
import {
  INDEX_SNAPSHOT_FORMAT,
  loadIndexSnapshot,
  saveIndexSnapshot,
} from "../activity-index/index-snapshot.js";
import { type CursorOptions, readMessages, readRollups } from "./postgres-index-load.js";
import { applyLogEntry, INDEX_CHANNEL, type IndexLogEntry } from "./postgres-index-log.js";
import {
  fetchSharedSnapshot,
  sharedSnapshotSavedAt,
  shareSnapshot,
} from "./postgres-shared-snapshot.js";
import { inTransaction } from "./postgres-transaction.js";

/** Log entries per catch-up query. */
const CATCH_UP_ENTRIES = 1_000;
/** The listening connection's application_name (pg_stat_activity shows it). */
export const LISTENER_NAME = "rollcall index listener";

export interface PostgresIndexKeeperOptions {
  /** The database, for the connection that listens for other nodes' commits. */
  url: string;
  /**
   * How often the log is read even without a notification (one indexed query): what a lost
   * notification costs at most.
   */
  pollMs?: number;
  /**
   * Log entries older than this are deleted (by any node, hourly). A node that falls further
   * behind (down, or cut off from the database that long) loads its index again.
   */
  logRetentionMs?: number;
  /** Rows per FETCH of a load (tests make them small). */
  fetchRows?: number;
  /**
   * Where the node saves its index, to start from next time instead of reading every rollup
   * (index-snapshot.ts); null or absent: not saved.
   */
  snapshot?: string | null;
  /**
   * How often a node that saved its snapshot also copies it into the database, for nodes that
   * have none (joining, or on a fresh disk); an hour unless told.
   */
  shareEveryMs?: number;
}

/** How often a changed index is saved to the snapshot file. */
const SNAPSHOT_EVERY_MS = 10 * 60_000;
const HOUR_MS = 3_600_000;
/** Reads of the rollups and the log's head that must see one moment of the database. */
const SNAPSHOT_READ = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";

const DAY_MS = 86_400_000;

/**
 * The log numbers entries without gaps in commit order, so an index that has applied entry n has
 * everything committed up to it, whichever node wrote it. Entries are applied one at a time, in
 * order, on one promise chain; a gap (entries deleted before this node read them) means a load.
 */
export class PostgresIndexKeeper {
  private index: ActivityIndex | null = null;
  private loading: Promise<ActivityIndex> | null = null;
  /** The last log entry the index holds. */
  private applied = 0;
  /** The message names the index counts; what a reload loads again. */
  private messageNames: string[] | null = null;
  /** Log reads and message loads, one after the other. */
  private chain: Promise<void> = Promise.resolve();
  private catchUpQueued = false;
  private listener: pg.Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastPrune = 0;
  private lastSave = Date.now();
  /** The database's identity (index_head.source), the snapshot's stamp. */
  private source = "";
  /** The log entry the snapshot file holds the index up to (-1: none saved). */
  private savedSeq = -1;
  private isClosed = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: PostgresIndexKeeperOptions,
    /** Where failures of the background work go (the next poll tries again). */
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  /** How loads read (postgres-index-load.ts). */
  private get cursor(): CursorOptions {
    return { rows: this.options.fetchRows, isStopped: () => this.isClosed };
  }

  /**
   * The index, loaded first if need be (counting these message names, if given), holding every
   * change committed before the call, by any node: the log's head is read (one tiny query) and
   * what the index lacks of it applied first. While the database cannot be reached, the index
   * answers with what it holds.
   */
  async get(messageNames: string[] | null = null): Promise<ActivityIndex> {
    for (;;) {
      const index = this.index ?? (await this.loaded(messageNames));
      let head: number;
      try {
        head = await this.head(this.pool);
      } catch (error) {
        this.onError(error);
        return index;
      }
      if (head > this.applied) {
        await this.inTurn(async () => {
          if (head > this.applied) await this.catchUp();
        });
      }
      if (this.index === index) return index;
    }
  }

  private loaded(messageNames: string[] | null): Promise<ActivityIndex> {
    if (messageNames && !this.messageNames) this.messageNames = [...messageNames];
    this.loading ??= this.load().finally(() => {
      this.loading = null;
    });
    return this.loading;
  }

  private async head(client: pg.Pool | pg.PoolClient): Promise<number> {
    return (await this.headRow(client)).seq;
  }

  private async headRow(client: pg.Pool | pg.PoolClient): Promise<{ seq: number; source: string }> {
    const { rows } = await client.query<{ seq: number; source: string }>(
      "SELECT seq, source FROM index_head",
    );
    return { seq: Number(rows[0]?.seq ?? 0), source: String(rows[0]?.source ?? "") };
  }

  /** Makes the index count these names as messages, loading their counts if it does not yet. */
  trackMessages(index: ActivityIndex, names: string[]): Promise<void> {
    if (index.tracksMessages(names)) return Promise.resolve();
    return this.inTurn(async () => {
      if (this.index !== index || index.tracksMessages(names)) return;
      await this.loadMessages(index, names);
      this.messageNames = [...names];
    });
  }

  /**
   * This node committed a log entry: applied at once when it is the next one, else after reading
   * the entries before it. Resolves when the index holds it, so a node reads its own writes.
   */
  committed(entry: IndexLogEntry): Promise<void> {
    if (!this.index) return Promise.resolve(); // the load, or the catch-up after it, reads it
    return this.inTurn(async () => {
      const index = this.index;
      if (!index || this.applied >= entry.seq) return;
      if (this.applied === entry.seq - 1) {
        applyLogEntry(index, entry);
        this.applied = entry.seq;
        return;
      }
      await this.catchUp();
    });
  }

  /** This node erased a user: its snapshot file and the shared one stop holding them. */
  erased(): void {
    void this.save(true);
  }

  /** Stops following the log; a load in progress stops at its next fetch. */

  async close(): Promise<void> {
    await this.save();
    this.isClosed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const listener = this.listener;
    this.listener = null;
    await listener?.end().catch(() => undefined);
    await this.chain;
  }

  private inTurn(work: () => Promise<void>): Promise<void> {
    const done = this.chain.then(work);
    this.chain = done.catch((error: unknown) => this.onError(error));
    return done;
  }

  /** Reads the log once more soon (at most one read waits at a time). */
  private scheduleCatchUp(): void {
    if (this.catchUpQueued || !this.index || this.isClosed) return;
    this.catchUpQueued = true;
    void this.inTurn(async () => {
      this.catchUpQueued = false;
      await this.catchUp();
    }).catch(() => undefined);
  }

  /** Applies every entry after the last applied one; on a gap, loads the index again. */
  private async catchUp(): Promise<void> {
    for (;;) {
      const index = this.index;
      if (!index || this.isClosed) return;
      const { rows } = await this.pool.query<{ seq: number; ops: string; events: string }>(
        "SELECT seq, ops, events FROM index_log WHERE seq > $1 ORDER BY seq LIMIT $2",
        [this.applied, CATCH_UP_ENTRIES],
      );
      for (const row of rows) {
        const seq = Number(row.seq);
        if (seq !== this.applied + 1) {
          // Entries this node never read were deleted: what it holds can no longer be completed.
          this.onError(new Error(`index log entries ${this.applied + 1}–${seq - 1} are gone`));
          this.index = null;
          return;
        }
        applyLogEntry(index, { seq, ops: row.ops, events: row.events });
        this.applied = seq;
      }
      if (rows.length < CATCH_UP_ENTRIES) return;
      await nextTurn();
    }
  }

  /**
   * Reads the rollups in one snapshot (REPEATABLE READ) with the log's head in it, then the
   * entries after that head: nothing committed meanwhile is missed or applied twice.
   */
  /**
   * From the saved snapshot and the log after it when they fit the database, else in full (and
   * then saved). Loads in full again if the log moved past what was loaded meanwhile.
   */
  private async load(): Promise<ActivityIndex> {
    let saved = await this.savedSnapshot().catch((error: unknown) => {
      this.onError(error);
      return null;
    });
    for (;;) {
      const { index, head } = saved ?? (await this.readSnapshot());
      this.index = index;
      this.applied = head;
      this.follow();
      await this.inTurn(() => this.catchUp());
      if (this.index === index) {
        if (!saved) void this.save();
        return index;
      }
      saved = null;
    }
  }

  /**
   * The index saved in the snapshot file, or else the one shared in the database, if it was made
   * from this database (its source) and the log still holds every entry after it; null if there
   * is none. Throws why one does not fit.
   */
  private async savedSnapshot(): Promise<{ index: ActivityIndex; head: number } | null> {
    const file = this.options.snapshot;
    if (!file) return null;
    const own = await this.fitting(file).catch((error: unknown) => {
      this.onError(error);
      return null;
    });
    if (own) return own;
    const shared = `${file}.shared`;
    await mkdir(dirname(file), { recursive: true });
    try {
      return (await fetchSharedSnapshot(this.pool, shared)) ? await this.fitting(shared) : null;
    } finally {
      await rm(shared, { force: true });
    }
  }

  private async fitting(file: string): Promise<{ index: ActivityIndex; head: number } | null> {
    const loaded = await loadIndexSnapshot(file);
    if (!loaded) return null;
    const { seq, source } = await this.headRow(this.pool);
    this.source = source;
    const { stamp } = loaded;
    if (stamp.source !== source) throw new Error("the index snapshot is of another database");
    if (stamp.seq > seq) throw new Error("the index snapshot is ahead of the database's log");
    const { rows } = await this.pool.query<{ first: number | null }>(
      "SELECT min(seq) AS first FROM index_log",
    );
    const first = rows[0]?.first ?? null;
    if (seq > stamp.seq && (first === null || Number(first) > stamp.seq + 1)) {
      throw new Error("the index log no longer holds every change after the index snapshot");
    }
    this.savedSeq = stamp.seq;
    return { index: loaded.index, head: stamp.seq };
  }

  /**
   * Saves the index to the snapshot file if it changed since the last save: after a full load,
   * every SNAPSHOT_EVERY_MS, after this node erased a user, and at close. The index does not
   * change meanwhile (the log waits; answers go on).
   */
  private save(shareNow = false): Promise<void> {
    const file = this.options.snapshot;
    if (!file) return Promise.resolve();
    let shared: { handle: FileHandle; seq: number } | null = null;
    return this.inTurn(async () => {
      const index = this.index;
      if (!index || this.applied === this.savedSeq || !this.source) return;
      await mkdir(dirname(file), { recursive: true });
      const seq = this.applied;
      await saveIndexSnapshot(index, file, {
        format: INDEX_SNAPSHOT_FORMAT,
        source: this.source,
        seq,
        savedAt: Date.now(),
      });
      this.savedSeq = seq;
      // Shared with nodes that have none of their own, now and then (it is the whole index),
      // after the log goes on: the open file stays this one whatever the next save renames.
      const sharedAt = shareNow ? null : await sharedSnapshotSavedAt(this.pool);
      if (sharedAt === null || Date.now() - sharedAt >= (this.options.shareEveryMs ?? HOUR_MS)) {
        shared = { handle: await open(file, "r"), seq };
      }
    })
      .then(async () => {
        const share = shared as { handle: FileHandle; seq: number } | null;
        if (share) await shareSnapshot(this.pool, share.handle, share.seq, Date.now());
      })
      .catch((error: unknown) => this.onError(error));
  }

  private readSnapshot(): Promise<{ index: ActivityIndex; head: number }> {
    return inTransaction(
      this.pool,
      async (client) => {
        const { seq: head, source } = await this.headRow(client);
        this.source = source;
        return { index: await readRollups(client, this.messageNames, this.cursor), head };
      },
      SNAPSHOT_READ,
    );
  }

  /**
   * Loads the counts of other message names: their rollups and the log's head from one snapshot,
   * the entries before that head applied first, so the counts are neither short nor doubled.
   */
  private loadMessages(index: ActivityIndex, names: string[]): Promise<void> {
    return inTransaction(
      this.pool,
      async (client) => {
        const head = await this.head(client);
        const { rows } = await client.query<{ seq: number; ops: string; events: string }>(
          "SELECT seq, ops, events FROM index_log WHERE seq > $1 AND seq <= $2 ORDER BY seq",
          [this.applied, head],
        );
        if (rows.length !== head - this.applied) {
          throw new Error("index log entries are gone; the analytics load again");
        }
        for (const row of rows) applyLogEntry(index, { ...row, seq: Number(row.seq) });
        this.applied = head;
        await readMessages(client, index, names, this.cursor);
      },
      SNAPSHOT_READ,
    );
  }

  /**
   * Starts following other nodes' commits: a notification on INDEX_CHANNEL reads the log at
   * once; a poll reads it anyway (a notification is lost while the listening connection is down,
   * and the poll catches up after any gap), and now and then deletes old entries.
   */
  private follow(): void {
    if (this.timer || this.isClosed) return;
    this.listen();
    this.timer = setInterval(() => {
      if (!this.index && !this.loading) {
        void this.loaded(null).catch((error: unknown) => this.onError(error));
        return;
      }
      if (!this.listener) this.listen();
      this.scheduleCatchUp();
      this.pruneNowAndThen();
      if (Date.now() - this.lastSave >= SNAPSHOT_EVERY_MS) {
        this.lastSave = Date.now();
        void this.save();
      }
    }, this.options.pollMs ?? 1_000);
    this.timer.unref();
  }

  private listen(): void {
    if (this.listener || this.isClosed) return;
    const client = new pg.Client({
      connectionString: this.options.url,
      application_name: LISTENER_NAME,
    });
    this.listener = client;
    const drop = () => {
      if (this.listener === client) this.listener = null;
      void client.end().catch(() => undefined);
    };
    client.on("error", drop);
    client.on("end", drop);
    client.on("notification", () => this.scheduleCatchUp());
    client
      .connect()
      .then(() => client.query(`LISTEN ${INDEX_CHANNEL}`))
      .then(() => this.scheduleCatchUp()) // what was committed before it listened
      .catch((error: unknown) => {
        this.onError(error);
        drop();
      });
  }

  private pruneNowAndThen(): void {
    const now = Date.now();
    if (now - this.lastPrune < 3_600_000) return;
    this.lastPrune = now;
    const before = now - (this.options.logRetentionMs ?? DAY_MS);
    this.pool
      .query("DELETE FROM index_log WHERE written_at < $1", [before])
      .catch((error: unknown) => this.onError(error));
  }
}
