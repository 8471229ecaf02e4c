// The saves of a held activity index to its snapshot file, for both storages' index keepers: how
// often they come, the stamp each writes, the change-log seq the file then holds, the time taken.
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import type { ActivityIndex } from "./activity-index.js";
import { INDEX_SNAPSHOT_FORMAT, saveIndexSnapshot } from "./index-snapshot.js";

/** A held index is saved this often if its change log grew (and at close, and after erasures). */
export const SNAPSHOT_EVERY_MS = 10 * 60_000;
/** A save slower than this is logged at info; a quicker one at debug. */
const SLOW_SAVE_MS = 2_000;

/** What a keeper says about its snapshots; pino's logger fits. */
export interface SnapshotLog {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export class SnapshotSaves {
  /** The change-log seq of the last snapshot saved or loaded (-1: none). */
  private savedSeq = -1;
  private timer: NodeJS.Timeout | null = null;
  private isStopped = false;

  constructor(
    /** The snapshot file. */
    readonly file: string,
    private readonly everyMs = SNAPSHOT_EVERY_MS,
    private readonly log?: SnapshotLog,
  ) {}

  /** Whether the file already holds the index up to this change-log seq. */
  holds(seq: number): boolean {
    return seq === this.savedSeq;
  }

  /** A snapshot holding the index up to `seq` was loaded: saving that again is no use. */
  loaded(seq: number): void {
    this.savedSeq = seq;
  }

  /**
   * Writes `index`, which holds the change log of `source` up to `seq`; the caller keeps the
   * index unchanged until the promise settles (saveIndexSnapshot).
   */
  async save(index: ActivityIndex, source: string, seq: number): Promise<void> {
    const started = performance.now();
    await mkdir(dirname(this.file), { recursive: true });
    await saveIndexSnapshot(index, this.file, {
      format: INDEX_SNAPSHOT_FORMAT,
      source,
      seq,
      savedAt: Date.now(),
    });
    this.savedSeq = seq;
    // A routine save is a detail (at info it was a JSON line among `npm start`'s text); a slow
    // one, news.
    const ms = Math.round(performance.now() - started);
    this.log?.[ms < SLOW_SAVE_MS ? "debug" : "info"]({ seq, ms }, "analytics index saved");
  }

  /** Calls `save` every period from now until `stop`; once started, later calls do nothing. */
  repeat(save: () => void): void {
    if (this.timer || this.isStopped) return;
    this.timer = setInterval(save, this.everyMs);
    this.timer.unref();
  }

  /** No more periodic saves. */
  stop(): void {
    this.isStopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
