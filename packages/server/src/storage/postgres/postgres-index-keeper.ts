// Each PostgreSQL node's in-memory activity index: loaded from one snapshot of the rollups, or from
// an index snapshot and the log after it, then kept current by following the index log that every
// node's writes append to.
import { type FileHandle, mkdir, open, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { setImmediate as nextTurn } from "node:timers/promises";
import type pg from "pg";
import type { ActivityIndex } from "../activity-index/activity-index.js";
import { loadIndexSnapshot } from "../activity-index/index-snapshot.js";
import { SnapshotSaves } from "../activity-index/snapshot-saves.js";
import { IndexLogListener } from "./postgres-index-listener.js";
import { type CursorOptions, readMessages, readRollups } from "./postgres-index-load.js";
import {
  applyLogEntry,
  checkLogFollows,
  type IndexLogEntry,
  pruneIndexLog,
  readLogEntries,
  readLogHead,
} from "./postgres-index-log.js";
import {
  fetchSharedSnapshot,
  sharedSnapshotSavedAt,
  shareSnapshot,
} from "./postgres-shared-snapshot.js";
import { inTransaction } from "./postgres-transaction.js";

/** Log entries per catch-up query. */
const CATCH_UP_ENTRIES = 1_000;

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

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Reads of the rollups and the log's head that must see one moment of the database. */
const SNAPSHOT_READ = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";

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
  private readonly listener: IndexLogListener;
  private timer: NodeJS.Timeout | null = null;
  private lastPrune = 0;
  /** The database's identity (index_head.source), the snapshot's stamp. */
  private source = "";
  /** Where the index is saved, when it is. */
  private readonly saves: SnapshotSaves | null;
  private isClosed = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: PostgresIndexKeeperOptions,
    /** Where failures of the background work go (the next poll tries again). */
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {
    this.listener = new IndexLogListener(options.url, () => this.scheduleCatchUp(), onError);
    this.saves = options.snapshot ? new SnapshotSaves(options.snapshot) : null;
  }

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
        head = (await readLogHead(this.pool)).seq;
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
    this.saves?.stop();
    await this.listener.stop();
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
      const entries = await readLogEntries(this.pool, this.applied, { limit: CATCH_UP_ENTRIES });
      for (const entry of entries) {
        const seq = entry.seq;
        if (seq !== this.applied + 1) {
          // Entries this node never read were deleted: what it holds can no longer be completed.
          this.onError(new Error(`index log entries ${this.applied + 1}–${seq - 1} are gone`));
          this.index = null;
          return;
        }
        applyLogEntry(index, entry);
        this.applied = seq;
      }
      if (entries.length < CATCH_UP_ENTRIES) return;
      await nextTurn();
    }
  }

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
    const file = this.saves?.file;
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
    const { stamp } = loaded;
    await checkLogFollows(this.pool, stamp);
    this.source = stamp.source;
    this.saves?.loaded(stamp.seq);
    return { index: loaded.index, head: stamp.seq };
  }

  /**
   * Saves the index to the snapshot file if it changed since the last save: after a full load,
   * every SNAPSHOT_EVERY_MS, after this node erased a user, and at close. The index does not
   * change meanwhile (the log waits; answers go on).
   */
  private save(shareNow = false): Promise<void> {
    const saves = this.saves;
    if (!saves) return Promise.resolve();
    let shared: { handle: FileHandle; seq: number } | null = null;
    return this.inTurn(async () => {
      const index = this.index;
      if (!index || saves.holds(this.applied) || !this.source) return;
      const seq = this.applied;
      await saves.save(index, this.source, seq);
      // Shared with nodes that have none of their own, now and then (it is the whole index),
      // after the log goes on: the open file stays this one whatever the next save renames.
      const sharedAt = shareNow ? null : await sharedSnapshotSavedAt(this.pool);
      if (sharedAt === null || Date.now() - sharedAt >= (this.options.shareEveryMs ?? HOUR_MS)) {
        shared = { handle: await open(saves.file, "r"), seq };
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
        const { seq: head, source } = await readLogHead(client);
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
        const head = (await readLogHead(client)).seq;
        const entries = await readLogEntries(client, this.applied, { through: head });
        if (entries.length !== head - this.applied) {
          throw new Error("index log entries are gone; the analytics load again");
        }
        for (const entry of entries) applyLogEntry(index, entry);
        this.applied = head;
        await readMessages(client, index, names, this.cursor);
      },
      SNAPSHOT_READ,
    );
  }

  /**
   * Starts following other nodes' commits: a notification on the index channel reads the log at
   * once; a poll reads it anyway (a notification is lost while the listening connection is down,
   * and the poll catches up after any gap), and now and then deletes old entries.
   */
  private follow(): void {
    if (this.timer || this.isClosed) return;
    this.listener.listen();
    this.timer = setInterval(() => {
      if (!this.index && !this.loading) {
        void this.loaded(null).catch((error: unknown) => this.onError(error));
        return;
      }
      this.listener.listen();
      this.scheduleCatchUp();
      this.pruneNowAndThen();
    }, this.options.pollMs ?? 1_000);
    this.timer.unref();
    this.saves?.repeat(() => void this.save());
  }

  private pruneNowAndThen(): void {
    const now = Date.now();
    if (now - this.lastPrune < HOUR_MS) return;
    this.lastPrune = now;
    const before = now - (this.options.logRetentionMs ?? DAY_MS);
    pruneIndexLog(this.pool, before).catch((error: unknown) => this.onError(error));
  }
}
