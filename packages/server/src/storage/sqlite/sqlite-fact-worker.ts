// The SQLite writer thread's entry: writes each FactBatch it is sent in one transaction on a
// connection of its own, and answers with what the index must learn (see sqlite-fact-thread.ts).
import { parentPort, workerData } from "node:worker_threads";
import { IndexWrites } from "../activity-index/activity-index.js";
import {
  type ThreadReply,
  type ThreadRequest,
  WRITER_CHECKPOINT_PAGES,
  type WriterData,
} from "./sqlite-fact-thread.js";
import {
  eraseSqliteUser,
  openSqliteDatabase,
  statementCache,
  writeSqliteFacts,
} from "./sqlite-facts.js";

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
      erase(statement, request.platform, request.user, request.slots, request.isLast);
      reply = { ok: true, ops: null, userWrites: null };
    } else {
      const indexed = request.record ? new IndexWrites() : null;
      const userWrites = write(statement, request.batch, Date.now(), indexed);
      reply = { ok: true, ops: indexed?.ops ?? null, userWrites };
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
