// The SQLite writer thread's entry: writes each FactBatch it is sent in one transaction on a
// connection of its own, and answers with what the index must learn (see sqlite-fact-thread.ts).
import { parentPort, workerData } from "node:worker_threads";
import { IndexWrites } from "../activity-index/activity-index.js";
import { eraseSqliteUser } from "./sqlite-erasure.js";
import {
  type ThreadReply,
  type ThreadRequest,
  WRITER_CHECKPOINT_PAGES,
  type WriterData,
} from "./sqlite-fact-thread.js";
import { openSqliteDatabase, statementCache, writeSqliteFacts } from "./sqlite-facts.js";
import { trimIndexLog } from "./sqlite-index-log.js";

const port = parentPort;
if (!port) throw new Error("sqlite-fact-worker runs as a worker thread");

const db = openSqliteDatabase((workerData as WriterData).file);
// The checkpoint thread copies the WAL into the file (sqlite-fact-thread.ts); the writer does so
// itself only past 16,000 pages (~64 MB), which keeps the WAL bounded if that thread falls
// behind, and starts the WAL over, since it checkpoints between its own commits.
db.pragma(`wal_autocheckpoint = ${WRITER_CHECKPOINT_PAGES}`);
const statement = statementCache(db);
const write = db.transaction(writeSqliteFacts);
const erase = db.transaction(eraseSqliteUser);

port.on("message", (request: ThreadRequest) => {
  if (request.type === "close") {
    db.close();
    port.close();
    return;
  }
  let reply: ThreadReply;
  try {
    if (request.type === "erase") {
      const { platform, user, slots, step } = request;
      erase(statement, platform, user, slots, step);
      reply = { ok: true, ops: null, userWrites: null };
    } else if (request.type === "trim") {
      const rows = trimIndexLog(statement, request.through, request.limit);
      reply = { ok: true, ops: null, userWrites: null, rows };
    } else {
      // Always recorded: the index's change log takes them even when no index is held.
      const indexed = new IndexWrites();
      const userWrites = write(statement, request.batch, Date.now(), indexed);
      reply = { ok: true, ops: request.record ? indexed.ops : null, userWrites };
    }
  } catch (error) {
    const { message, name, code } = error as { message?: unknown; name?: unknown; code?: unknown };
    reply = {
      ok: false,
      error: {
        message: String(message ?? error),
        name: String(name ?? "Error"),
        code: typeof code === "string" ? code : null,
      },
    };
  }
  port.postMessage(reply);
});
