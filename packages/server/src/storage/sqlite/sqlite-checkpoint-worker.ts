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

// data_version moves when another connection commits: an idle file costs one read per tick.
const timer = setInterval(() => {
  const version = db.pragma("data_version", { simple: true });
  if (version === seen) return;
  seen = version;
  db.pragma("wal_checkpoint(PASSIVE)");
}, intervalMs);

port.on("message", (request: ThreadRequest) => {
  if (request.type !== "close") return;
  clearInterval(timer);
  db.close();
  port.close();
});
