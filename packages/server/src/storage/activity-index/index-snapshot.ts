// An ActivityIndex saved to a file and loaded back exactly: its typed arrays as they are in
// memory, its strings as JSON, in sections that each carry a CRC-32.
import type { FileHandle } from "node:fs/promises";
import { open, rename, rm } from "node:fs/promises";
import { endianness } from "node:os";
import { dirname } from "node:path";
import { ActivityIndex } from "./activity-index.js";
import { KeyedColumns } from "./keyed-columns.js";
import {
  type Day,
  type PlatformActivity,
  type ScopeActivity,
  SLOTS_PER_DAY,
} from "./scope-activity.js";
import { IndexSnapshotError, SectionReader, SectionWriter } from "./snapshot-sections.js";

export { IndexSnapshotError };

/** The layout below; a file of another version is refused (the caller loads in full). */
export const INDEX_SNAPSHOT_FORMAT = 2;

/** What a snapshot was made from, and how far it goes. */
export interface IndexSnapshotStamp {
  /** INDEX_SNAPSHOT_FORMAT when saved. */
  format: number;
  /**
   * The identity of the data it was built from (SQLite: a random id kept in the file,
   * PostgreSQL: one kept in the database): a snapshot of other data is never loaded.
   */
  source: string;
  /** The position in the source's change log that the index includes, all before it too. */
  seq: number;
  /** When it was saved (ms since the epoch). */
  savedAt: number;
}

const MAGIC = Buffer.from("RCINDEX\n", "latin1");
/** Section kinds, in the order they come (see saveIndexSnapshot). */
const HEAD = 1;
const PLATFORM = 2;
const USERS = 3;
const SCOPE = 4;
const LAST_ACTIVE = 5;
const DAY = 6;
const END = 7;
/** Users per USERS section: a JSON text of a few MB. */
const USERS_PER_SECTION = 50_000;
/** Ints before a day's arrays: day, users' rows, sorted, messages' rows, sorted. */
const DAY_HEADER = 5;
const USER_COLUMNS = 4;

interface Head {
  stamp: IndexSnapshotStamp;
  messageNames: string[] | null;
  platforms: number;
}

interface PlatformHead {
  id: string;
  users: number;
  apps: string[];
}

interface ScopeHead {
  days: number;
  lastActive: number;
}

/**
 * Saves `index` to `file` as of now: the caller keeps the index unchanged until the promise
 * settles. Written to `file`.tmp a chunk at a time, synced, then renamed over `file`: a crash
 * leaves the old snapshot or the new one, never half of one.
 */
export async function saveIndexSnapshot(
  index: ActivityIndex,
  file: string,
  stamp: IndexSnapshotStamp,
): Promise<void> {
  if (stamp.format !== INDEX_SNAPSHOT_FORMAT) {
    throw new Error(
      `index snapshot format ${stamp.format}: this code writes ${INDEX_SNAPSHOT_FORMAT}`,
    );
  }
  assertLittleEndian();
  const temporary = `${file}.tmp`;
  const handle = await open(temporary, "w");
  let isSaved = false;
  try {
    const out = new SectionWriter(handle);
    const header = Buffer.alloc(MAGIC.length + 4);
    MAGIC.copy(header);
    header.writeUInt32LE(INDEX_SNAPSHOT_FORMAT, MAGIC.length);
    await out.raw(header);
    const platforms = [...index.platformEntries()];
    const head: Head = {
      stamp,
      messageNames: index.trackedMessages === null ? null : [...index.trackedMessages],
      platforms: platforms.length,
    };
    let sections = await out.json(HEAD, head);
    for (const [id, platform] of platforms) sections += await savePlatform(out, id, platform);
    await out.json(END, { sections });
    await out.flush();
    await handle.sync();
    isSaved = true;
  } finally {
    await handle.close();
    if (!isSaved) await rm(temporary, { force: true });
  }
  await rename(temporary, file);
  await syncDirectory(dirname(file));
}

async function savePlatform(
  out: SectionWriter,
  id: string,
  platform: PlatformActivity,
): Promise<number> {
  const { users } = platform;
  const apps = [...platform.apps.keys()];
  const head: PlatformHead = { id, users: users.size, apps };
  let sections = await out.json(PLATFORM, head);
  for (let from = 0; from < users.size; from += USERS_PER_SECTION) {
    const to = Math.min(from + USERS_PER_SECTION, users.size);
    const ids = users.ids.slice(from, to);
    const names: Array<string | null> = [];
    const emails: Array<string | null> = [];
    const roles: Array<string | null> = [];
    for (let user = from; user < to; user++) {
      const isRegistered = users.isRegistered(user);
      names.push(isRegistered ? users.name(user) : null);
      emails.push(isRegistered ? users.email(user) : null);
      roles.push(isRegistered ? users.role(user) : null);
    }
    sections += await out.json(USERS, [ids, names, emails, roles]);
  }
  sections += await saveScope(out, platform.all);
  for (const app of apps) sections += await saveScope(out, platform.apps.get(app) as ScopeActivity);
  return sections;
}

async function saveScope(out: SectionWriter, scope: ScopeActivity): Promise<number> {
  const head: ScopeHead = { days: scope.days.size, lastActive: scope.lastActive.length };
  let sections = await out.json(SCOPE, head);
  sections += await out.section(LAST_ACTIVE, [bytes(scope.lastActive)]);
  for (const [dayNumber, day] of scope.days) {
    const users = day.users.columns();
    const messages = day.messages.columns();
    const size = day.users.size;
    const cells = day.messages.size;
    const top = Int32Array.of(
      dayNumber,
      size,
      day.users.sortedSize,
      cells,
      day.messages.sortedSize,
    );
    await out.section(DAY, [
      bytes(top),
      bytes(users.keys.subarray(0, size)),
      ...users.values.map((column) => bytes(column.subarray(0, size))),
      bytes(day.hours),
      bytes(day.firsts),
      bytes(day.lasts),
      bytes(messages.keys.subarray(0, cells)),
      bytes((messages.values[0] as Int32Array).subarray(0, cells)),
    ]);
    sections++;
  }
  return sections;
}

/**
 * The snapshot in `file`, or null if there is none. Throws IndexSnapshotError when it is cut
 * short, fails a checksum, or is of another format: nothing of it is used then. Reads a chunk at
 * a time, awaiting each, so the event loop serves other work between.
 */
export async function loadIndexSnapshot(
  file: string,
): Promise<{ index: ActivityIndex; stamp: IndexSnapshotStamp } | null> {
  let handle: FileHandle;
  try {
    handle = await open(file, "r");
  } catch (error) {
    if ((error as { code?: unknown }).code === "ENOENT") return null;
    throw error;
  }
  try {
    assertLittleEndian();
    const input = new SectionReader(handle, (await handle.stat()).size);
    const header = await input.raw(MAGIC.length + 4);
    if (!header.subarray(0, MAGIC.length).equals(MAGIC)) {
      throw new IndexSnapshotError("corrupt", `${file} is not an index snapshot`);
    }
    const format = header.readUInt32LE(MAGIC.length);
    if (format !== INDEX_SNAPSHOT_FORMAT) {
      throw new IndexSnapshotError(
        "format",
        `${file} is format ${format}, this code reads ${INDEX_SNAPSHOT_FORMAT}`,
      );
    }
    const head = (await input.json(HEAD)) as Head;
    const index = new ActivityIndex();
    if (head.messageNames !== null) index.trackMessages(head.messageNames);
    let sections = 1;
    for (let p = 0; p < head.platforms; p++) sections += await loadPlatform(input, index);
    const end = (await input.json(END)) as { sections: number };
    if (end.sections !== sections) {
      throw new IndexSnapshotError("corrupt", `${sections} sections read, ${end.sections} saved`);
    }
    return { index, stamp: { ...head.stamp, format } };
  } finally {
    await handle.close();
  }
}

async function loadPlatform(input: SectionReader, index: ActivityIndex): Promise<number> {
  const head = (await input.json(PLATFORM)) as PlatformHead;
  const platform = index.platform(head.id);
  let sections = 1;
  while (platform.users.size < head.users) {
    const [ids, names, emails, roles] = (await input.json(USERS)) as [
      string[],
      Array<string | null>,
      Array<string | null>,
      Array<string | null>,
    ];
    platform.users.restore(ids, names, emails, roles);
    sections++;
  }
  if (platform.users.size !== head.users) {
    throw new IndexSnapshotError("corrupt", `${platform.users.size} users of ${head.users}`);
  }
  sections += await loadScope(input, platform.all);
  for (const app of head.apps) sections += await loadScope(input, platform.app(app));
  return sections;
}

async function loadScope(input: SectionReader, scope: ScopeActivity): Promise<number> {
  const head = (await input.json(SCOPE)) as ScopeHead;
  const last = await input.section(LAST_ACTIVE);
  if (last.length !== head.lastActive * 8) {
    throw new IndexSnapshotError("corrupt", "last activity of the wrong length");
  }
  scope.lastActive = new Float64Array(aligned(last));
  for (let d = 0; d < head.days; d++) {
    const payload = await input.section(DAY);
    if (payload.length % 4 !== 0 || payload.length < DAY_HEADER * 4) {
      throw new IndexSnapshotError("corrupt", "a day of the wrong length");
    }
    const ints = new Int32Array(aligned(payload));
    const [dayNumber, size, sorted, cells, cellsSorted] = Array.from(ints.subarray(0, DAY_HEADER));
    if (
      dayNumber === undefined ||
      size === undefined ||
      sorted === undefined ||
      cells === undefined ||
      cellsSorted === undefined
    ) {
      throw new IndexSnapshotError("corrupt", "a day without its header");
    }
    const expected = DAY_HEADER + size * (1 + USER_COLUMNS) + 3 * SLOTS_PER_DAY + cells * 2;
    if (ints.length !== expected || sorted > size || cellsSorted > cells) {
      throw new IndexSnapshotError("corrupt", `day ${dayNumber} of the wrong length`);
    }
    let at = DAY_HEADER;
    const take = (length: number) => {
      const view = ints.subarray(at, at + length);
      at += length;
      return view;
    };
    const keys = take(size);
    const columns = Array.from({ length: USER_COLUMNS }, () => take(size));
    const day: Day = {
      users: KeyedColumns.restore(keys, columns, size, sorted),
      hours: take(SLOTS_PER_DAY),
      firsts: take(SLOTS_PER_DAY),
      lasts: take(SLOTS_PER_DAY),
      messages: KeyedColumns.restore(take(cells), [take(cells)], cells, cellsSorted),
    };
    scope.days.set(dayNumber, day);
  }
  return 2 + head.days;
}

/** The bytes of a typed array, no copy. */
function bytes(array: Int32Array | Float64Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/** A payload's bytes in an ArrayBuffer of their own (typed arrays need aligned offsets). */
function aligned(payload: Buffer): ArrayBuffer {
  const copy = new ArrayBuffer(payload.length);
  new Uint8Array(copy).set(payload);
  return copy;
}

function assertLittleEndian(): void {
  if (endianness() !== "LE") throw new Error("index snapshots are written on little-endian hosts");
}

/** Makes a rename in `dir` durable. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
