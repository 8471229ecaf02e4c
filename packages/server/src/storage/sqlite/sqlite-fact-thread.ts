// The server's SQLite writes off its event loop: a worker thread with its own connection to the
// file commits each FactBatch, while tabs, viewers and HTTP go on being served on the main one.
import { once } from "node:events";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { FactBatch } from "../storage.js";

export interface WriterData {
  file: string;
}

export type ThreadRequest =
  | { type: "write"; batch: FactBatch; record: boolean }
  | { type: "erase"; platform: string; user: string }
  | { type: "close" };

/** What a committed batch means for the index (IndexWrites' ops), and the user-write count. */
export interface FactsWritten {
  ops: Array<string | number> | null;
  userWrites: number | null;
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
  private readonly waiting: Waiter[] = [];
  /** Closed with the storage: a write after that is refused, not a new thread started. */
  private isClosed = false;

  constructor(private readonly file: string) {
    this.start();
  }

  /** `record`: answer with the batch's index writes (the caller holds an index). */
  write(batch: FactBatch, record: boolean): Promise<FactsWritten> {
    return this.send({ type: "write", batch, record });
  }

  /** Deletes everything about a user (eraseSqliteUser), in turn with the batches. */
  async erase(platform: string, user: string): Promise<void> {
    await this.send({ type: "erase", platform, user });
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

  /** Stops the thread once the writes sent before are answered. */
  async close(): Promise<void> {
    this.isClosed = true;
    const worker = this.worker;
    if (!worker) return;
    worker.ref();
    const exited = once(worker, "exit");
    worker.postMessage({ type: "close" } satisfies ThreadRequest);
    await exited;
  }

  private start(): Worker {
    const worker = spawnWriter({ file: this.file });
    worker.on("message", (reply: ThreadReply) => {
      const waiter = this.waiting.shift();
      if (this.waiting.length === 0) worker.unref();
      if (!waiter) return;
      if (reply.ok) {
        waiter.resolve({ ops: reply.ops, userWrites: reply.userWrites });
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

  /** Whatever was waiting is refused (nothing was acknowledged); the next write starts anew. */
  private stopped(worker: Worker, error: Error): void {
    if (this.worker !== worker) return;
    this.worker = null;
    for (const waiter of this.waiting.splice(0)) waiter.reject(error);
  }
}

/**
 * The thread's batches live a moment each; under the process's semi-space setting (8 MB) its
 * young generation grew with the tabs' first facts and was counted against them. At 19,000 tabs:
 * 9.42 KB per tab uncapped, 9.09 capped at 3 MB, 8.41 without the thread; batched ingest the
 * same within run-to-run spread (BENCHMARKS.md).
 */
const WRITER_LIMITS = { maxYoungGenerationSizeMb: 3 };

/**
 * The built server loads dist/sqlite-fact-worker.js next to it; run from the TypeScript source
 * (tests, the bench's tsx tools), the worker loads its source through tsx.
 */
function spawnWriter(data: WriterData): Worker {
  if (!import.meta.url.endsWith(".ts")) {
    return new Worker(new URL("./sqlite-fact-worker.js", import.meta.url), {
      workerData: data,
      resourceLimits: WRITER_LIMITS,
    });
  }
  const tsxDir = createRequire(import.meta.url).resolve("tsx/package.json");
  const tsx = pathToFileURL(tsxDir.replace(/package\.json$/, "dist/esm/api/index.mjs")).href;
  const entry = new URL("./sqlite-fact-worker.ts", import.meta.url).href;
  const boot = `const { register } = await import(${JSON.stringify(tsx)});
register();
await import(${JSON.stringify(entry)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), {
    workerData: data,
    resourceLimits: WRITER_LIMITS,
  });
}
