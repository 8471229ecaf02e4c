// The SQLite storage's activity index: loaded from the file or from an index snapshot saved beside
// it (sqlite-background-load.ts), kept current by what each batch committed, and saved again.

import { setImmediate as nextTurn } from "node:timers/promises";
import type Database from "better-sqlite3";
import type { ActivityIndex, IndexWrites } from "../activity-index/activity-index.js";
import { type SnapshotLog, SnapshotSaves } from "../activity-index/snapshot-saves.js";
import {
  LOAD_SLICE_ROWS,
  loadActivityIndex,
  loadMessages,
  loadUsers,
} from "./sqlite-activity-index.js";
import {
  type LoadTurns,
  loadRollupsInSlices,
  loadSnapshotAndLog,
} from "./sqlite-background-load.js";
import type { StatementCache } from "./sqlite-facts.js";
import { lastLogSeq, logSource } from "./sqlite-index-log.js";

/** The user-write count of an index that must read the users again. */
const STALE = -1;
/** Change-log rows deleted per transaction after a save, other writes between. */
const TRIM_ROWS = 256;

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
  /** How often a held index is saved if its log grew (SNAPSHOT_EVERY_MS, snapshot-saves.ts). */
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
  /** Where the index is saved, when it is. */
  private readonly saves: SnapshotSaves | null;
  /** What a load beside the writer thread needs of the keeper. */
  private readonly turns: LoadTurns = {
    exclusive: (work) => this.exclusive(work),
    isClosed: () => this.isClosed,
    began: (stmt) => {
      this.userWritesSeen = userWrites(stmt);
      this.pending = [];
    },
  };

  constructor(
    private readonly db: Database.Database,
    /** Statements on `db`, shared with the storage. */
    private readonly stmt: StatementCache,
    private readonly options: IndexKeeperOptions,
  ) {
    const snapshot = options.snapshot ?? null;
    this.saves = snapshot
      ? new SnapshotSaves(snapshot, options.snapshotEveryMs, options.log)
      : null;
  }

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
    this.saves?.stop();
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
    const saves = this.saves;
    const index = this.index;
    if (!saves || !index || this.saving || (this.isClosed && !isClosing)) {
      return this.saving ?? Promise.resolve();
    }
    const saving = this.saveNow(index, saves).catch((error: unknown) => {
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

  private async saveNow(index: ActivityIndex, saves: SnapshotSaves): Promise<void> {
    const at = await this.exclusive(() =>
      // One read of the file: the users as they are (another process may have written some)
      // and the log's last seq, which the index holds all of (no batch is on its way).
      this.db.transaction((): { source: string; seq: number } | null => {
        const count = userWrites(this.stmt);
        if (count !== this.userWritesSeen) {
          this.userWritesSeen = count;
          loadUsers(this.db, index);
        }
        const seq = lastLogSeq(this.stmt);
        if (saves.holds(seq)) return null;
        this.frozen = [];
        return { source: logSource(this.stmt), seq };
      })(),
    );
    if (!at) return;
    try {
      await saves.save(index, at.source, at.seq);
    } finally {
      const waiting = this.frozen ?? [];
      this.frozen = null;
      for (const change of waiting) change(index);
    }
    const trim = this.options.trimLog;
    if (!trim) return;
    while ((await this.exclusive(() => trim(at.seq, TRIM_ROWS))) > 0) await nextTurn();
  }

  private apply(change: (index: ActivityIndex) => void): void {
    if (this.frozen) this.frozen.push(change);
    else if (this.index) change(this.index);
    else this.pending?.push(change);
  }

  /**
   * The index a load made, with what the batches committed meanwhile (in `pending`); saved every
   * period from now on (only if its log grew).
   */
  private held(index: ActivityIndex): ActivityIndex {
    for (const change of this.pending ?? []) change(index);
    this.pending = null;
    this.index = index;
    this.saves?.repeat(() => void this.save());
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
    const saves = this.saves;
    if (saves) {
      const started = performance.now();
      const loaded = await this.beside(loadSnapshotAndLog(file, saves.file, this.turns)).catch(
        (error: unknown) => {
          if (this.isClosed) throw error;
          this.options.log?.warn({ err: error }, "the analytics index snapshot was not used");
          return null;
        },
      );
      if (loaded) {
        const index = this.held(loaded.index);
        saves.loaded(loaded.stamp.seq);
        this.options.log?.info(
          {
            ms: Math.round(performance.now() - started),
            seq: loaded.stamp.seq,
            replayed: loaded.replayed,
          },
          "analytics index loaded from its snapshot",
        );
        // After a kill: the file on disk misses what was replayed (an erasure, maybe).
        if (loaded.replayed > 0) void this.save();
        return index;
      }
    }
    const sliceRows = this.options.sliceRows ?? LOAD_SLICE_ROWS;
    const index = this.held(
      await this.beside(loadRollupsInSlices(file, messageNames, sliceRows, this.turns)),
    );
    void this.save();
    return index;
  }

  /** A load beside the writer thread: if it fails, the changes kept for its index are dropped. */
  private async beside<T>(load: Promise<T>): Promise<T> {
    try {
      return await load;
    } catch (error) {
      this.pending = null;
      throw error;
    }
  }
}

/** The count of user writes (migration 4). */
function userWrites(stmt: StatementCache): number {
  return Number(stmt("SELECT count FROM user_writes WHERE id = 1").pluck().get() ?? 0);
}
