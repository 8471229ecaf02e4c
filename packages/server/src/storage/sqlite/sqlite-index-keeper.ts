// The SQLite storage's activity index: loaded from one snapshot of the file, in slices so the
// server goes on serving while a big file loads, and kept current by what each batch committed.
import { open, stat } from "node:fs/promises";
import { totalmem } from "node:os";
import { setImmediate as nextTurn } from "node:timers/promises";
import Database from "better-sqlite3";
import type { ActivityIndex, IndexWrites } from "../activity-index/activity-index.js";
import {
  LOAD_SLICE_ROWS,
  loadActivityIndex,
  loadInSlices,
  loadMessages,
  loadUsers,
} from "./sqlite-activity-index.js";
import type { StatementCache } from "./sqlite-facts.js";

/** The user-write count of an index that must read the users again. */
const STALE = -1;

export interface IndexKeeperOptions {
  /**
   * The file, when batches are committed on a writer thread: the index then loads on a
   * connection of its own, in slices, while batches go on. Null: it loads at once, in turn.
   */
  file: string | null;
  /** Rows per slice of a load (tests make them small). */
  sliceRows?: number;
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

  /** The index, loaded first if need be (with these message names' counts, if given). */
  async get(messageNames: string[] | null = null): Promise<ActivityIndex> {
    const index = this.index;
    if (!index) {
      this.loading ??= this.load(messageNames).finally(() => {
        this.loading = null;
      });
      return this.loading;
    }
    if (this.userWritesInFlight === 0) {
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
    await this.exclusive(() => {
      if (!index.tracksMessages(names)) loadMessages(this.db, index, names);
    });
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

  /** A load in progress stops at its next slice. */
  close(): void {
    this.isClosed = true;
  }

  private apply(change: (index: ActivityIndex) => void): void {
    if (this.index) change(this.index);
    else this.pending?.push(change);
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
    return this.loadInSlices(file, messageNames);
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
