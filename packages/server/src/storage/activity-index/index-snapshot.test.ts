// A saved index loads back answering every question as the original, and a damaged file is refused.
import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { seededRandom } from "../../testing/seeded-random.js";
import type { SlotWindow, UserTableQuery } from "../storage.js";
import { ActivityIndex, IndexWrites } from "./activity-index.js";
import {
  INDEX_SNAPSHOT_FORMAT,
  IndexSnapshotError,
  type IndexSnapshotStamp,
  loadIndexSnapshot,
  saveIndexSnapshot,
} from "./index-snapshot.js";

const dir = mkdtempSync(join(tmpdir(), "rollcall-snapshot-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DAY = 96;
const BASE = 20_000 * DAY + 11;
const SLOT_MS = 15 * 60_000;
const APPS = ["math", "essay", ""];
const NAMES = ["Ana", "ana", "Ben", "Émile", "zoë", "😀 Smile", "\uE000 x", "Cy", '"q"\\'];
const ROLES = ["Learner", "learner", "Team", ""];
const stamp: IndexSnapshotStamp = {
  format: INDEX_SNAPSHOT_FORMAT,
  source: "test-source",
  seq: 42,
  savedAt: 1_700_000_000_000,
};

/** Random writes as the storage records them, over two platforms and ~12 days. */
function randomWrites(random: () => number, users: number, count: number): IndexWrites {
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)] as T;
  const writes = new IndexWrites();
  for (let i = 0; i < count; i++) {
    const platform = random() < 0.9 ? "p1" : "p2";
    const user = `u${Math.floor(random() * users)}`;
    const slot = BASE + Math.floor(random() * 12 * DAY);
    const r = random();
    if (r < 0.1) writes.setUser(platform, user, pick(NAMES), `${user}@x.example`, pick(ROLES));
    else if (r < 0.5) {
      const app = pick(APPS);
      const run = 1 + Math.floor(random() * 8);
      for (let s = slot; s < slot + run; s++) writes.markSlot(platform, app, user, s);
      writes.touchApp(platform, app, user, (slot + run) * SLOT_MS);
    } else if (r < 0.995) {
      const app = pick(APPS);
      writes.countEvent(platform, app, pick(["message", "message", "chat", "view"]), user, slot);
      writes.markSlot(platform, app, user, slot);
      writes.touchApp(platform, app, user, slot * SLOT_MS + 1_000);
    } else writes.eraseUser(platform, user);
  }
  return writes;
}

function randomWindows(random: () => number): SlotWindow[] {
  const windows: SlotWindow[] = [];
  for (let i = 0; i < 60; i++) {
    const start = BASE - DAY + Math.floor(random() * 14 * DAY);
    const length = [4, DAY, 7 * DAY, Math.floor(random() * 900)][
      Math.floor(random() * 4)
    ] as number;
    windows.push({ start, end: start + length });
  }
  return windows;
}

function randomQuery(random: () => number, platform: string): UserTableQuery {
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)] as T;
  const start = BASE + Math.floor(random() * 10 * DAY) - DAY;
  const limit = pick([null, 5, 50]);
  return {
    scope: { platform, app: pick(["math", "essay", "", "none", null]) },
    messages: { start, end: start + Math.floor(random() * 8 * DAY) },
    messageNames: ["message"],
    members: pick(["active", "all"] as const),
    q: pick([null, null, "AN", "é", "x.example", "u1"]),
    inactiveBefore: random() < 0.3 ? (BASE + Math.floor(random() * 12 * DAY)) * SLOT_MS : null,
    minMessages: pick([0, 0, 1, 3]),
    maxMessages: pick([null, null, 0, 2]),
    role: pick([null, "learner", "Team"]),
    sort: pick(["name", "messagesSent", "lastActiveAt"] as const),
    order: pick(["asc", "desc"] as const),
    limit,
    offset: limit === null ? 0 : pick([0, 3, 40]),
  };
}

function expectSameAnswers(actual: ActivityIndex, expected: ActivityIndex, seed: number): void {
  const random = seededRandom(seed);
  for (const platform of ["p1", "p2", "p3"]) {
    for (const app of ["math", "essay", "", "none", null]) {
      const scope = { platform, app };
      const windows = randomWindows(random);
      expect({ scope, counts: actual.countActiveUsers(scope, windows) }).toEqual({
        scope,
        counts: expected.countActiveUsers(scope, windows),
      });
    }
    for (let i = 0; i < 40; i++) {
      const query = randomQuery(random, platform);
      expect({ query, table: actual.userTable(query) }).toEqual({
        query,
        table: expected.userTable(query),
      });
    }
  }
}

describe("index snapshots", () => {
  for (const seed of [1, 2, 3]) {
    it(`load back answering every count and table as the index saved (seed ${seed})`, async () => {
      const random = seededRandom(seed);
      const index = new ActivityIndex();
      index.trackMessages(["message"]);
      randomWrites(random, 300, 6_000).apply(index);
      const everyone = [{ start: BASE, end: BASE + 12 * DAY }];
      expect(index.countActiveUsers({ platform: "p1", app: null }, everyone)[0]).toBeGreaterThan(
        200,
      );
      const file = join(dir, `round-${seed}.index`);
      await saveIndexSnapshot(index, file, stamp);

      const loaded = await loadIndexSnapshot(file);
      expect(loaded?.stamp).toEqual(stamp);
      const copy = loaded?.index as ActivityIndex;
      expect(copy.trackedMessages).toEqual(["message"]);
      expectSameAnswers(copy, index, seed * 7);
      // Saved again, the same bytes: nothing was lost or reordered.
      await saveIndexSnapshot(copy, join(dir, `again-${seed}.index`), stamp);
      expect(readFileSync(join(dir, `again-${seed}.index`)).equals(readFileSync(file))).toBe(true);

      // And it goes on as the original does under the same writes (its arrays grow from there).
      const more = randomWrites(random, 400, 3_000);
      more.apply(index);
      more.apply(copy);
      expectSameAnswers(copy, index, seed * 13);
    });
  }

  it("the change log's text of a batch's writes gives the same writes back", () => {
    const writes = randomWrites(seededRandom(8), 50, 2_000);
    const text = writes.toLogText();
    expect(IndexWrites.fromLogText(text).ops).toEqual(writes.ops);
    expect(text.length).toBeLessThan(JSON.stringify(writes.ops).length);
    expect(() => IndexWrites.fromLogText(text.replace('"v":2', '"v":3'))).toThrow(/version/);
  });

  it("reads a change log written before roles, keeping the role the index knows", () => {
    const index = new ActivityIndex();
    index.setUser("p1", "ana", "Ana", "a@x", "Learner");
    // Version 1: a user's writes had no role.
    const v1 = JSON.stringify({ v: 1, s: ["p1", "ana", "Ana B", "ab@x"], o: [0, 0, 1, 2, 3] });
    IndexWrites.fromLogText(v1).apply(index);
    const users = index.platform("p1").users;
    const ana = users.numberOf("ana") as number;
    expect([users.name(ana), users.email(ana), users.role(ana)]).toEqual([
      "Ana B",
      "ab@x",
      "Learner",
    ]);
  });

  it("writes arrays bigger than its buffer in their place among the small sections", async () => {
    const index = new ActivityIndex();
    randomWrites(seededRandom(4), 100, 1_000).apply(index);
    const platform = index.platform("p1");
    // 375,000 users' last activity: 3 MB, more than half the 4 MB chunk (written straight to
    // the file) though it would fit beside the sections still buffered.
    platform.all.lastActive = Float64Array.from({ length: 375_000 }, (_, i) => i * 1.5);
    const file = join(dir, "big.index");
    await saveIndexSnapshot(index, file, stamp);
    const loaded = (await loadIndexSnapshot(file))?.index as ActivityIndex;
    const bytes = (array: Float64Array) =>
      Buffer.from(array.buffer, array.byteOffset, array.byteLength);
    expect(bytes(loaded.platform("p1").all.lastActive).equals(bytes(platform.all.lastActive))).toBe(
      true,
    );
    expectSameAnswers(loaded, index, 3);
  });

  it("saves an empty index, and an index that never tracked messages", async () => {
    const file = join(dir, "empty.index");
    await saveIndexSnapshot(new ActivityIndex(), file, stamp);
    const loaded = await loadIndexSnapshot(file);
    expect(loaded?.index.trackedMessages).toBeNull();
    expect([...(loaded?.index.platformEntries() ?? [])]).toEqual([]);
  });

  it("is null when there is no file, and leaves no temporary file behind", async () => {
    expect(await loadIndexSnapshot(join(dir, "absent.index"))).toBeNull();
    const file = join(dir, "tidy.index");
    await saveIndexSnapshot(new ActivityIndex(), file, stamp);
    expect(() => statSync(`${file}.tmp`)).toThrow();
  });

  it("refuses a file cut short, a flipped byte anywhere, and another format", async () => {
    const index = new ActivityIndex();
    index.trackMessages(["message"]);
    randomWrites(seededRandom(5), 200, 3_000).apply(index);
    const file = join(dir, "damaged.index");
    await saveIndexSnapshot(index, file, stamp);
    const good = readFileSync(file);
    const refused = async (bytes: Buffer) => {
      writeFileSync(file, bytes);
      return loadIndexSnapshot(file).then(
        () => null,
        (error: unknown) => (error instanceof IndexSnapshotError ? error.reason : error),
      );
    };
    const random = seededRandom(6);
    for (let i = 0; i < 40; i++) {
      const flipped = Buffer.from(good);
      const at = 12 + Math.floor(random() * (good.length - 12));
      flipped[at] = (flipped[at] as number) ^ (1 << Math.floor(random() * 8));
      expect(await refused(flipped)).toMatch(/corrupt|truncated/);
    }
    for (const length of [0, 5, 12, 20, Math.floor(good.length / 2), good.length - 1]) {
      writeFileSync(file, good);
      truncateSync(file, length);
      expect(await refused(readFileSync(file))).toMatch(/corrupt|truncated/);
    }
    const otherFormat = Buffer.from(good);
    otherFormat.writeUInt32LE(INDEX_SNAPSHOT_FORMAT + 1, 8);
    expect(await refused(otherFormat)).toBe("format");
    const notOne = Buffer.from("not an index snapshot at all");
    expect(await refused(notOne)).toBe("corrupt");
    expect(await refused(good)).toBeNull();
  });
});
