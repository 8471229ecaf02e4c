// The SQLite checkpoint thread's entry: copies the WAL's committed pages into the file on a
// connection of its own, so the writer thread's commits never wait for that copy.
import { parentPort, workerData } from "node:worker_threads";
import type { CheckpointData, ThreadRequest } from "./sqlite-fact-thread.js";
import { openSqliteDatabase } from "./sqlite-facts.js";

const port = parentPort;
if (!port) throw new Error("sqlite-checkpoint-worker runs as a worker thread");

const { file, intervalMs } = workerData as CheckpointData;
const db = openSqliteDatabase(file);
let seen = db.pragma("data_version", { simple: true });

interface CheckpointResult {
  busy: number;
  /** Frames in the WAL, and how many of them are now in the file. */
  log: number;
  checkpointed: number;
}

// data_version moves when another connection commits: an idle file costs one read per tick.
// A copy that a reader's older snapshot cut short is tried again at the next tick, commits or
// not: else the last pages would wait in the WAL for the next write.
const timer = setInterval(() => {
  const version = db.pragma("data_version", { simple: true });
  if (version === seen) return;
  const [result] = db.pragma("wal_checkpoint(PASSIVE)") as CheckpointResult[];
  if (!result || result.checkpointed >= result.log) seen = version;
}, intervalMs);

port.on("message", (request: ThreadRequest) => {
  if (request.type !== "close") return;
  clearInterval(timer);
  db.close();
  port.close();
});
