// A keeper's snapshot saves: each writes a stamped snapshot that loads back, knows what the file
// holds, and comes every period until stopped.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { ActivityIndex, IndexWrites } from "./activity-index.js";
import { INDEX_SNAPSHOT_FORMAT, loadIndexSnapshot } from "./index-snapshot.js";
import { SNAPSHOT_EVERY_MS, type SnapshotLog, SnapshotSaves } from "./snapshot-saves.js";

const dir = mkdtempSync(join(tmpdir(), "rollcall-saves-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.useRealTimers());

class Said implements SnapshotLog {
  readonly lines: Array<{ level: string; message: string; fields: object }> = [];
  debug(fields: object, message: string): void {
    this.lines.push({ level: "debug", message, fields });
  }
  info(fields: object, message: string): void {
    this.lines.push({ level: "info", message, fields });
  }
  warn(fields: object, message: string): void {
    this.lines.push({ level: "warn", message, fields });
  }
}

function someIndex(): ActivityIndex {
  const index = new ActivityIndex();
  const writes = new IndexWrites();
  writes.setUser("p1", "u1", "Ana", "ana@x.example", "Learner");
  writes.markSlot("p1", "", "u1", 2_000_000);
  writes.touchApp("p1", "", "u1", 2_000_000 * 15 * 60_000);
  writes.apply(index);
  return index;
}

describe("SnapshotSaves", () => {
  it("writes a snapshot stamped with its source and seq, makes its folder, logs it", async () => {
    const said = new Said();
    const file = join(dir, "new-folder", "a.index");
    const saves = new SnapshotSaves(file, SNAPSHOT_EVERY_MS, said);
    expect(saves.holds(7)).toBe(false);
    await saves.save(someIndex(), "the-source", 7);
    const loaded = await loadIndexSnapshot(file);
    expect(loaded?.stamp).toMatchObject({
      format: INDEX_SNAPSHOT_FORMAT,
      source: "the-source",
      seq: 7,
    });
    expect(loaded?.index.slotsOf("p1", "u1")).toEqual([2_000_000]);
    expect(saves.holds(7)).toBe(true);
    expect(saves.holds(8)).toBe(false);
    expect(said.lines).toMatchObject([
      { level: "debug", message: "analytics index saved", fields: { seq: 7 } },
    ]);
  });

  it("holds the seq of a snapshot it was told was loaded", () => {
    const saves = new SnapshotSaves(join(dir, "b.index"));
    saves.loaded(12);
    expect(saves.holds(12)).toBe(true);
  });

  it("calls a save every period, once however often asked, and no more once stopped", () => {
    vi.useFakeTimers();
    const saves = new SnapshotSaves(join(dir, "c.index"), 1_000);
    let calls = 0;
    saves.repeat(() => calls++);
    saves.repeat(() => calls++);
    vi.advanceTimersByTime(3_500);
    expect(calls).toBe(3);
    saves.stop();
    saves.repeat(() => calls++);
    vi.advanceTimersByTime(3_000);
    expect(calls).toBe(3);
  });
});
