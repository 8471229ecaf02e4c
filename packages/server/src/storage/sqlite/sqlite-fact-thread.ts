// The server's SQLite writes off its event loop: a worker thread with its own connection to the
// file commits each FactBatch, while tabs, viewers and HTTP go on being served on the main one,
// and a second thread checkpoints the WAL into the file, so commits never wait for that copy.
import { once } from "node:events";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { FactBatch } from "../storage.js";
import type { EraseStep } from "./sqlite-erasure.js";

export interface WriterData {
  file: string;
}

export interface CheckpointData {
  file: string;
  intervalMs: number;
}

/**
 * The checkpoint thread copies what was committed every 100 ms (PASSIVE: it never blocks the
 * writer). SQLite's own checkpoint every 1,000 pages ran inside the commit that crossed them,
 * and into a 10 M-event file whose pages are mostly not cached it was a third of the writer's
 * time: 28,081 / 24,669 / 28,548 events/s with it, 39,704 / 35,049 / 44,130 with this thread,
 * alternating on one file; every 20 ms or 500 ms, or a 4,000-page backstop, did less
 * (BENCHMARKS.md).
 */
const CHECKPOINT_EVERY_MS = 100;
/** The writer's own checkpoint, past this many WAL pages (sqlite-fact-worker.ts). */
export const WRITER_CHECKPOINT_PAGES = 16_000;

export type ThreadRequest =
  | { type: "write"; batch: FactBatch; record: boolean }
  | {
      type: "erase";
      platform: string;
      user: string;
      slots: number[];
      step: EraseStep;
    }
  | { type: "trim"; through: number; limit: number }
  | { type: "close" };

/**
 * What a committed batch means for the index (IndexWrites' ops), and the user-write count; for a
 * trim of the index's change log, the rows deleted.
 */
export interface FactsWritten {
  ops: Array<string | number> | null;
  userWrites: number | null;
  rows?: number;
}

export type ThreadReply =
  | ({ ok: true } & FactsWritten)
  | { ok: false; error: { message: string; name: string; code: string | null } };

interface Waiter {
  resolve: (written: FactsWritten) => void;
  reject: (error: Error) => void;
}

/**
 * One writer thread, started with the storage (its memory is part of the server at rest) and
 * again at the next write after it died. Batches are committed in
 * the order they were sent; each promise settles once its batch is durable or refused. The thread
 * keeps the process alive only while a write is waiting.
 */
export class SqliteFactThread {
  private worker: Worker | null = null;
  private checkpointer: Worker | null = null;
  private readonly waiting: Waiter[] = [];
  /** Closed with the storage: a write after that is refused, not a new thread started. */
  private isClosed = false;

  constructor(private readonly file: string) {
    this.start();
  }

  /** Until closed (with the storage). */
  get isOpen(): boolean {
    return !this.isClosed;
  }

  /** `record`: answer with the batch's index writes (the caller holds an index). */
  write(batch: FactBatch, record: boolean): Promise<FactsWritten> {
    return this.send({ type: "write", batch, record });
  }

  /** One step of an erasure (eraseSqliteUser). */
  async erase(platform: string, user: string, slots: number[], step: EraseStep): Promise<void> {
    await this.send({ type: "erase", platform, user, slots, step });
  }

  /** Deletes up to `limit` rows of the index's change log up to `through`; resolves to how many. */
  async trimIndexLog(through: number, limit: number): Promise<number> {
    return (await this.send({ type: "trim", through, limit })).rows ?? 0;
  }

  private send(request: ThreadRequest): Promise<FactsWritten> {
    if (this.isClosed) return Promise.reject(new Error("the SQLite writer thread is closed"));
    const worker = this.worker ?? this.start();
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      if (this.waiting.length === 1) worker.ref();
      worker.postMessage(request);
    });
  }

  /** Stops the threads, the writer once the writes sent before are answered. */
  async close(): Promise<void> {
    this.isClosed = true;
    if (this.checkpointer) await stopThread(this.checkpointer);
    if (this.worker) await stopThread(this.worker);
  }

  private start(): Worker {
    const worker = spawnSqliteWorker("sqlite-fact-worker", { file: this.file });
    if (!this.checkpointer) this.startCheckpointer();
    worker.on("message", (reply: ThreadReply) => {
      const waiter = this.waiting.shift();
      if (this.waiting.length === 0) worker.unref();
      if (!waiter) return;
      if (reply.ok) {
        waiter.resolve(reply);
      } else {
        waiter.reject(
          Object.assign(new Error(reply.error.message), {
            name: reply.error.name,
            ...(reply.error.code === null ? {} : { code: reply.error.code }),
          }),
        );
      }
    });
    worker.on("error", (error: Error) => this.stopped(worker, error));
    worker.on("exit", (code) => {
      this.stopped(worker, new Error(`the SQLite writer thread stopped (exit code ${code})`));
    });
    worker.unref();
    this.worker = worker;
    return worker;
  }

  /**
   * Started with the writer; if it dies, the writer's own checkpoints keep the WAL bounded until
   * the writer next starts, and with it a new one.
   */
  private startCheckpointer(): void {
    const checkpointer = spawnSqliteWorker("sqlite-checkpoint-worker", {
      file: this.file,
      intervalMs: CHECKPOINT_EVERY_MS,
    });
    const forget = () => {
      if (this.checkpointer === checkpointer) this.checkpointer = null;
    };
    checkpointer.on("error", forget);
    checkpointer.on("exit", forget);
    checkpointer.unref();
    this.checkpointer = checkpointer;
  }

  /** Whatever was waiting is refused (nothing was acknowledged); the next write starts anew. */
  private stopped(worker: Worker, error: Error): void {
    if (this.worker !== worker) return;
    this.worker = null;
    for (const waiter of this.waiting.splice(0)) waiter.reject(error);
  }
}

/**
 * Both threads run under it. The writer's batches live a moment each; under the process's
 * semi-space setting (8 MB) its young generation grew with the tabs' first facts and was counted
 * against them. At 19,000 tabs: 9.42 KB per tab uncapped, 9.09 capped at 3 MB, 8.41 without the
 * thread; batched ingest the same within run-to-run spread (BENCHMARKS.md).
 */
const THREAD_LIMITS = { maxYoungGenerationSizeMb: 3 };

/** Asks a thread to close its connection and waits until it has exited. */
async function stopThread(worker: Worker): Promise<void> {
  worker.ref();
  const exited = once(worker, "exit");
  worker.postMessage({ type: "close" } satisfies ThreadRequest);
  await exited;
}

/**
 * The built server loads dist/<entry>.js next to it; run from the TypeScript source (tests, the
 * bench's tsx tools), the worker loads its source through tsx.
 */
function spawnSqliteWorker(entry: string, data: WriterData | CheckpointData): Worker {
  if (!import.meta.url.endsWith(".ts")) {
    return new Worker(new URL(`./${entry}.js`, import.meta.url), {
      workerData: data,
      resourceLimits: THREAD_LIMITS,
    });
  }
  const tsxDir = createRequire(import.meta.url).resolve("tsx/package.json");
  const tsx = pathToFileURL(tsxDir.replace(/package\.json$/, "dist/esm/api/index.mjs")).href;
  const source = new URL(`./${entry}.ts`, import.meta.url).href;
  const boot = `const { register } = await import(${JSON.stringify(tsx)});
register();
await import(${JSON.stringify(source)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), {
    workerData: data,
    resourceLimits: THREAD_LIMITS,
  });
}
