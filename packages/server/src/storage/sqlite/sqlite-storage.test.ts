import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { runAnalyticsContract } from "../analytics-contract.js";
import { runStorageContract } from "../storage-contract.js";
import { openSqliteStorage } from "./sqlite-storage.js";

// A real database file per test, in a temporary folder removed afterwards.
const dir = mkdtempSync(join(tmpdir(), "rollcall-sqlite-"));
let count = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const inThread = async () => openSqliteStorage(join(dir, `db-${count++}.sqlite`));
const withWriter = async () =>
  openSqliteStorage(join(dir, `db-${count++}.sqlite`), { writerThread: true });

runStorageContract("SQLite", inThread);
runAnalyticsContract("SQLite", inThread);
runStorageContract("SQLite with its writer thread", withWriter);
runAnalyticsContract("SQLite with its writer thread", withWriter);
