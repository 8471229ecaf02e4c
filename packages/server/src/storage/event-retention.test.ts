import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { EventRetention } from "./event-retention.js";
import { openSqliteStorage } from "./sqlite/sqlite-storage.js";
import { emptyFactBatch, SLOT_MS } from "./storage.js";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);
const dir = mkdtempSync(join(tmpdir(), "rollcall-retention-"));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("EventRetention", () => {
  it("drops raw events past the window in batches and keeps what the charts read", async () => {
    const storage = openSqliteStorage(join(dir, "db.sqlite"));
    await storage.migrate();
    const events = Array.from({ length: 25_000 }, (_, i) => ({
      platform: "p1",
      id: `e${i}`,
      user: `u${i % 50}`,
      name: "message",
      app: "math",
      ts: i < 24_000 ? NOW - 40 * DAY + i : NOW - DAY,
      props: null,
    }));
    await storage.writeFacts({ ...emptyFactBatch(), events });
    const oldWindow = {
      start: Math.floor((NOW - 41 * DAY) / SLOT_MS),
      end: Math.floor((NOW - 39 * DAY) / SLOT_MS),
    };
    const before = await storage.countActiveUsers({ platform: "p1", app: "math" }, [oldWindow]);

    await new EventRetention(storage, 30, () => NOW, pino({ level: "silent" })).sweep();

    expect(await storage.countEvents("p1")).toBe(1_000);
    expect(await storage.countActiveUsers({ platform: "p1", app: "math" }, [oldWindow])).toEqual(
      before,
    );
    expect(before).toEqual([50]);
    await storage.close();
  });
});
