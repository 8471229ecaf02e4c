// The SQLite storage's activity index: loaded from one snapshot of the file, in slices so the
// server goes on serving while a big file loads, or from an index snapshot saved beside the file
// and the change log after it; kept current by what each batch committed, and saved again.
import { open, stat } from "node:fs/promises";
import { totalmem } from "node:os";
import { setImmediate as nextTurn } from "node:timers/promises";
import Database from "better-sqlite3";
import type { ActivityIndex, IndexWrites } from "../activity-index/activity-index.js";
import {
  INDEX_SNAPSHOT_FORMAT,
  type IndexSnapshotStamp,
  loadIndexSnapshot,
  saveIndexSnapshot,
} from "../activity-index/index-snapshot.js";
import {
  LOAD_SLICE_ROWS,
  loadActivityIndex,
  loadInSlices,
  loadMessages,
  loadUsers,
} from "./sqlite-activity-index.js";
import type { StatementCache } from "./sqlite-facts.js";
import { checkLogFollows, lastLogSeq, loggedAfter, logSource } from "./sqlite-index-log.js";

/** The user-write count of an index that must read the users again. */
const STALE = -1;
/** A held index is saved this often if its change log grew (and at close, and after erasures). */
const SNAPSHOT_EVERY_MS = 10 * 60_000;
/** Change-log rows deleted per transaction after a save, other writes between. */
const TRIM_ROWS = 256;
/** Change-log rows applied between pauses of a load. */
const REPLAY_SLICE_ROWS = 64;

/** What the keeper says about its snapshots; pino's logger fits. */
/** A snapshot save slower than this is logged at info; a quicker one at debug. */
const SLOW_SAVE_MS = 2_000;

export interface SnapshotLog {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface IndexKeeperOptions {
  /**
   * The file, when batches are committed on a writer thread: the index then loads on a
   * connection of its own, in slices, while batches go on. Null: it loads at once, in turn.
   */
  file: string | null;
  /** Rows per slice of a load (tests make them small). */
  sliceRows?: number;
  /**
   * Where the index is saved (beside the file), to start from on the next load; null: never.
   * Only with `file` (the server): the CLI never saves one.
   */
  snapshot?: string | null;
  /** How often a held index is saved if its change log grew (SNAPSHOT_EVERY_MS). */
  snapshotEveryMs?: number;
  /** Deletes change-log rows up to a seq, at most `limit`; resolves to how many went. */
  trimLog?: (through: number, limit: number) => Promise<number>;
  log?: SnapshotLog;
}

export class SqliteIndexKeeper {
  /**
   * Built at the first analytics read (or warm-up) and kept current by this process's writes;
   * users are read again when another process (a CLI user import) wrote some, which the
   * user-write count tells.
   */
  private index: ActivityIndex | null = null;
  private loading: Promise<ActivityIndex> | null = null;
  /** While a load reads its snapshot: what was committed after it, for the index it makes. */
  private pending: Array<(index: ActivityIndex) => void> | null = null;
  /** The user-write count the index has seen all of (STALE: read the users again). */
  private userWritesSeen = STALE;
  /** Batches with users sent to the writer thread and not answered yet. */
  private userWritesInFlight = 0;
  /** The writer thread's work and what must not overlap it (see exclusive). */
  private queue: Promise<unknown> = Promise.resolve();
  private isClosed = false;
  /** While a snapshot is written: the changes that wait, so it saves one moment of the index. */
  private frozen: Array<(index: ActivityIndex) => void> | null = null;
  /** The save being written, if any. */
  private saving: Promise<void> | null = null;
  /** Another save is due as soon as the one being written is done (an erasure came). */
  private isSaveDue = false;
  /** The change-log seq of the last snapshot saved or loaded (-1: none). */
  private savedSeq = -1;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Database.Database,
    /** Statements on `db`, shared with the storage. */
    private readonly stmt: StatementCache,
    private readonly options: IndexKeeperOptions,
  ) {}

  /** Whether committed batches must report their index writes: an index is held or loading. */
  get recording(): boolean {
    return this.index !== null || this.pending !== null;
  }

  /**
   * Runs `work` when no batch is on the writer thread, and holds the next batches until it is
   * done: a load's snapshot, or erasing a user, must not interleave with a batch whose index
   * writes are still on their way. Without a thread everything already runs in turn.
   */
  exclusive<T>(work: () => T | Promise<T>): Promise<T> {
    if (this.options.file === null) return new Promise<T>((resolve) => resolve(work()));
    const done = this.queue.then(work);
    this.queue = done.catch(() => undefined);
    return done;
  }

  /**
   * The index, loaded first if need be (with these message names' counts, if given), holding
   * every batch committed before the call: while a snapshot is written, batches committed
   * meanwhile wait to be applied, and so does a read that comes after one (a caller reads its
   * own writes; reads with nothing waiting answer at once).
   */
  async get(messageNames: string[] | null = null): Promise<ActivityIndex> {
    while (this.frozen?.length && this.saving) await this.saving;
    const index = this.index;
    if (!index) {
      this.loading ??= this.load(messageNames).finally(() => {
        this.loading = null;
      });
      return this.loading;
    }
    if (this.userWritesInFlight === 0 && this.frozen === null) {
      const count = userWrites(this.stmt);
      if (count !== this.userWritesSeen) {
        this.userWritesSeen = count;
        loadUsers(this.db, index);
      }
    }
    return index;
  }

  /** Makes the index count these names as messages, loading their counts if it does not yet. */
  async trackMessages(index: ActivityIndex, names: string[]): Promise<void> {
    if (index.tracksMessages(names)) return;
    await this.exclusiveSteady(() => {
      if (!index.tracksMessages(names)) loadMessages(this.db, index, names);
    });
  }

  /**
   * `exclusive`, at a moment the index holds every committed batch: a snapshot being written
   * holds the index as it is (the batches meanwhile wait in `frozen`), so work that reads it to
   * change the file (erasing a user by their slots) or the index waits until none is. `frozen`
   * is set and cleared around the save's first step, which runs exclusively too.
   */
  async exclusiveSteady<T>(work: () => T | Promise<T>): Promise<T> {
    for (;;) {
      while (this.saving) await this.saving;
      const done = await this.exclusive(async () =>
        this.frozen ? { isDone: false as const } : { isDone: true as const, value: await work() },
      );
      if (done.isDone) return done.value;
    }
  }

  /** A batch with users is on its way to the writer thread (until `written`). */
  sendingUsers(): void {
    this.userWritesInFlight++;
  }

  /** What a committed batch told: its index writes, and whether someone else wrote users. */
  written(indexed: IndexWrites | null, userWrites: number | null, hadUsers: boolean): void {
    if (hadUsers) this.userWritesInFlight--;
    if (indexed) this.apply((index) => indexed.apply(index));
    if (userWrites !== null) {
      this.userWritesSeen = userWrites - 1 === this.userWritesSeen ? userWrites : STALE;
    }
  }

  /** A user was erased from the file. */
  erased(platform: string, user: string): void {
    this.apply((index) => index.eraseUser(platform, user));
  }

  /**
   * An erasure is done: the snapshot on disk (and the change log, until trimmed) still holds the
   * user's activity, so the index is saved again now rather than at the next period.
   */
  erasureDone(): void {
    if (this.saving) this.isSaveDue = true;
    else void this.save();
  }

  /** A load in progress stops at its next slice; no more periodic saves. */
  close(): void {
    this.isClosed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * The last save, once the writes have stopped (the storage closes): the next start loads it
   * with nothing to replay. Waits for a save being written first.
   */
  async saveAtClose(): Promise<void> {
    while (this.saving) await this.saving;
    await this.save(true);
  }

  /**
   * Saves the index as of now, if a snapshot file is set and the change log grew since the last
   * save, then deletes the log rows it holds. The changes committed meanwhile wait (the
   * analytics read the index as it was when the save began: seconds at most), then apply.
   * Failures are logged: the log keeps its rows, and the next save tries again.
   */
  save(isClosing = false): Promise<void> {
    const snapshot = this.options.snapshot ?? null;
    const index = this.index;
    if (snapshot === null || !index || this.saving || (this.isClosed && !isClosing)) {
      return this.saving ?? Promise.resolve();
    }
    const saving = this.saveNow(index, snapshot).catch((error: unknown) => {
      this.options.log?.warn({ err: error }, "saving the analytics index failed");
    });
    this.saving = saving.finally(() => {
      this.saving = null;
      if (this.isSaveDue && !this.isClosed) {
        this.isSaveDue = false;
        void this.save();
      }
    });
    return this.saving;
  }

  private async saveNow(index: ActivityIndex, snapshot: string): Promise<void> {
    const stamp = await this.exclusive(() =>
      // One read of the file: the users as they are (another process may have written some)
      // and the log's last seq, which the index holds all of (no batch is on its way).
      this.db.transaction((): IndexSnapshotStamp | null => {
        const count = userWrites(this.stmt);
        if (count !== this.userWritesSeen) {
          this.userWritesSeen = count;
          loadUsers(this.db, index);
        }
        const seq = lastLogSeq(this.stmt);
        if (seq === this.savedSeq) return null;
        this.frozen = [];
        return {
          format: INDEX_SNAPSHOT_FORMAT,
          source: logSource(this.stmt),
          seq,
          savedAt: Date.now(),
        };
      })(),
    );
    if (!stamp) return;
    const started = performance.now();
    try {
      await saveIndexSnapshot(index, snapshot, stamp);
    } finally {
      const waiting = this.frozen ?? [];
      this.frozen = null;
      for (const change of waiting) change(index);
    }
    this.savedSeq = stamp.seq;
    // A routine save is a detail (at info it was a JSON line among `npm start`'s text); a slow
    // one, news.
    const ms = Math.round(performance.now() - started);
    this.options.log?.[ms < SLOW_SAVE_MS ? "debug" : "info"](
      { seq: stamp.seq, ms },
      "analytics index saved",
    );
    const trim = this.options.trimLog;
    if (!trim) return;
    while ((await this.exclusive(() => trim(stamp.seq, TRIM_ROWS))) > 0) await nextTurn();
  }

  private apply(change: (index: ActivityIndex) => void): void {
    if (this.frozen) this.frozen.push(change);
    else if (this.index) change(this.index);
    else this.pending?.push(change);
  }

  /** Saves the index every period while it is held (only if its log grew). */
  private held(index: ActivityIndex): ActivityIndex {
    this.index = index;
    if (this.options.snapshot && !this.timer && !this.isClosed) {
      this.timer = setInterval(() => {
        void this.save();
      }, this.options.snapshotEveryMs ?? SNAPSHOT_EVERY_MS);
      this.timer.unref();
    }
    return index;
  }

  private load(messageNames: string[] | null): Promise<ActivityIndex> {
    const file = this.options.file;
    if (file === null) {
      // One read transaction: the rollups and the count from one snapshot.
      return this.exclusive(() => {
        this.index ??= this.db.transaction(() => {
          this.userWritesSeen = userWrites(this.stmt);
          return loadActivityIndex(this.db, messageNames ?? undefined);
        })();
        return this.index;
      });
    }
    return this.loadAndSave(file, messageNames);
  }

  /**
   * From the snapshot and the change log after it when they fit the file, else in full; a full
   * load is saved at once, for the next start.
   */
  private async loadAndSave(file: string, messageNames: string[] | null): Promise<ActivityIndex> {
    const snapshot = this.options.snapshot ?? null;
    if (snapshot !== null) {
      const started = performance.now();
      const loaded = await this.loadSnapshot(file, snapshot).catch((error: unknown) => {
        if (this.isClosed) throw error;
        this.options.log?.warn({ err: error }, "the analytics index snapshot was not used");
        return null;
      });
      if (loaded) {
        this.options.log?.info(
          {
            ms: Math.round(performance.now() - started),
            seq: this.savedSeq,
            replayed: loaded.replayed,
          },
          "analytics index loaded from its snapshot",
        );
        const index = this.held(loaded.index);
        // After a kill: the file on disk misses what was replayed (an erasure, maybe).
        if (loaded.replayed > 0) void this.save();
        return index;
      }
    }
    const index = this.held(await this.loadInSlices(file, messageNames));
    void this.save();
    return index;
  }

  /**
   * The snapshot, if there is one, of this file's data (its source), with every change-log row
   * after its seq still in the file; those rows are then applied, as a load in slices applies
   * the batches committed meanwhile. Null if there is no snapshot; throws why one does not fit.
   */
  private async loadSnapshot(
    file: string,
    snapshot: string,
  ): Promise<{ index: ActivityIndex; replayed: number } | null> {
    const loaded = await loadIndexSnapshot(snapshot);
    if (!loaded) return null;
    if (this.isClosed) throw new Error("the storage was closed while the analytics loaded");
    const { index, stamp } = loaded;
    const reader = new Database(file, { readonly: true });
    try {
      await this.exclusive(() => {
        reader.exec("BEGIN");
        const stmt = (sql: string) => reader.prepare(sql);
        checkLogFollows(stmt, stamp);
        this.userWritesSeen = userWrites(stmt);
        this.pending = [];
      });
      let count = 0;
      for (const writes of loggedAfter(reader, stamp.seq)) {
        writes.apply(index);
        if (++count % REPLAY_SLICE_ROWS === 0) {
          await nextTurn();
          if (this.isClosed) throw new Error("the storage was closed while the analytics loaded");
        }
      }
      reader.exec("COMMIT");
      for (const change of this.pending ?? []) change(index);
      this.savedSeq = stamp.seq;
      return { index, replayed: count };
    } finally {
      this.pending = null;
      reader.close();
    }
  }

  /**
   * Reads one snapshot of the file on a connection of its own, a slice at a time with the event
   * loop's other work between. The snapshot starts between two batches; what the batches after
   * it commit waits in `pending` and is applied to the index once it is read.
   */
  private async loadInSlices(file: string, messageNames: string[] | null): Promise<ActivityIndex> {
    await readAhead(file, () => this.isClosed);
    if (this.isClosed) throw new Error("the storage was closed while the analytics loaded");
    const reader = new Database(file, { readonly: true });
    try {
      await this.exclusive(() => {
        reader.exec("BEGIN");
        this.userWritesSeen = userWrites((sql) => reader.prepare(sql)); // the snapshot is taken at this first read
        this.pending = [];
      });
      const load = loadInSlices(reader, messageNames, this.options.sliceRows ?? LOAD_SLICE_ROWS);
      for (let step = load.next(); ; step = load.next()) {
        if (step.done) {
          reader.exec("COMMIT");
          const index = step.value;
          for (const change of this.pending ?? []) change(index);
          this.index = index;
          return index;
        }
        await nextTurn();
        if (this.isClosed) throw new Error("the storage was closed while the analytics loaded");
      }
    } finally {
      this.pending = null;
      reader.close();
    }
  }
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

/** The count of user writes (migration 4). */
function userWrites(stmt: StatementCache): number {
  return Number(stmt("SELECT count FROM user_writes WHERE id = 1").pluck().get() ?? 0);
}
