// One scope's activity in memory (an app, or all apps of a platform): per UTC day, each active
// user's 96 slots as bits, the hour counts they imply, and tracked messages per slot.
import { IndexedUsers } from "./indexed-users.js";
import { KeyedColumns } from "./keyed-columns.js";

export const SLOTS_PER_DAY = 96;
/**
 * Columns of a day's user rows: the 96 slots as three 32-bit masks, then tracked messages (that
 * day's total).
 */
export const MESSAGES = 3;
const WIDTH = 4;

/** One scope's activity on one UTC day. */
export interface Day {
  /** Key: user number. Columns: slot masks (bits 0–31, 32–63, 64–95), tracked messages that day. */
  users: KeyedColumns;
  /** hours[i]: distinct users active in the four slots from slot i (any zone's hour starts there). */
  hours: Int32Array;
  /**
   * firsts[i] / lasts[i]: users whose first / last active slot of the day is i. Users active in
   * a day's first k slots, or its last k, are a sum of these: no scan.
   */
  firsts: Int32Array;
  lasts: Int32Array;
  /** Tracked messages per user and slot: key user × 96 + slot of the day (empty for `_all`). */
  messages: KeyedColumns;
}

/** An app of a platform, or all of its apps together (`_all`). */
export class ScopeActivity {
  readonly days = new Map<number, Day>();
  /** Last activity per user number (ms), NaN for users never active in the scope. */
  lastActive = new Float64Array(0);

  day(day: number): Day {
    let found = this.days.get(day);
    if (!found) {
      found = {
        users: new KeyedColumns(WIDTH),
        hours: new Int32Array(SLOTS_PER_DAY),
        firsts: new Int32Array(SLOTS_PER_DAY),
        lasts: new Int32Array(SLOTS_PER_DAY),
        messages: new KeyedColumns(1),
      };
      this.days.set(day, found);
    }
    return found;
  }

  isKnown(user: number): boolean {
    return user < this.lastActive.length && !Number.isNaN(this.lastActive[user]);
  }

  touch(user: number, at: number): void {
    if (user >= this.lastActive.length) {
      const grown = new Float64Array(Math.max(user + 1, this.lastActive.length * 2, 1024));
      grown.fill(Number.NaN);
      grown.set(this.lastActive);
      this.lastActive = grown;
    }
    const last = this.lastActive[user] as number;
    if (Number.isNaN(last) || at > last) this.lastActive[user] = at;
  }

  /** How many users were ever active in the scope. */
  knownUsers(): number {
    let users = 0;
    for (const at of this.lastActive) if (!Number.isNaN(at)) users++;
    return users;
  }

  /** Whether `user` was active in slot `slot`. */
  has(user: number, slot: number): boolean {
    return (this.around(user, slot, 0, 1) & 1) !== 0;
  }

  /** Bit k says whether `user` was active in slot `slot + from + k`, for k < count (≤ 96). */
  private around(user: number, slot: number, from: number, count: number): number {
    let bits = 0;
    let dayNumber = Number.NaN;
    let row = -1;
    let day: Day | undefined;
    for (let k = 0; k < count; k++) {
      const at = slot + from + k;
      const atDay = Math.floor(at / SLOTS_PER_DAY);
      if (atDay !== dayNumber) {
        dayNumber = atDay;
        day = this.days.get(atDay);
        row = day ? day.users.find(user) : -1;
      }
      if (row < 0 || !day) continue;
      const bit = at - atDay * SLOTS_PER_DAY;
      if ((day.users.get(row, bit >>> 5) & (1 << (bit & 31))) !== 0) bits |= 1 << k;
    }
    return bits;
  }

  /** Marks `user` active in `slot`; keeps the hour counts and first and last slots. */
  mark(user: number, slot: number): void {
    // Bits of slot-3 … slot+3: the hours containing the slot start at slot-3 … slot.
    const near = this.around(user, slot, -3, 7);
    if ((near & 0b1000) !== 0) return;
    for (let k = 0; k < 4; k++) {
      // The user's first slot in that hour counts them; it was counted if they had another.
      if ((near & (0b1111 << k)) !== 0) continue;
      const start = slot - 3 + k;
      const startDay = Math.floor(start / SLOTS_PER_DAY);
      const hours = this.day(startDay).hours;
      hours[start - startDay * SLOTS_PER_DAY] = (hours[start - startDay * SLOTS_PER_DAY] ?? 0) + 1;
    }
    const dayNumber = Math.floor(slot / SLOTS_PER_DAY);
    const day = this.day(dayNumber);
    const row = day.users.upsert(user);
    const bit = slot - dayNumber * SLOTS_PER_DAY;
    countEdges(day, row, -1);
    day.users.set(row, bit >>> 5, day.users.get(row, bit >>> 5) | (1 << (bit & 31)));
    countEdges(day, row, 1);
  }

  /**
   * Bulk loading: sets a day's bits only (`recountHours` makes the hour counts after). Keys are
   * user number × 96 + slot of the day, ascending: each user's row is found once, and a day
   * loaded in one call appends its rows in key order.
   */
  setDayBits(dayNumber: number, keys: Float64Array): void {
    const users = this.day(dayNumber).users;
    for (let at = 0; at < keys.length; ) {
      const user = Math.floor((keys[at] as number) / SLOTS_PER_DAY);
      const next = (user + 1) * SLOTS_PER_DAY;
      const words = [0, 0, 0];
      for (; at < keys.length && (keys[at] as number) < next; at++) {
        const bit = (keys[at] as number) - user * SLOTS_PER_DAY;
        words[bit >>> 5] = (words[bit >>> 5] as number) | (1 << (bit & 31));
      }
      const row = users.upsert(user);
      for (let word = 0; word < 3; word++) {
        users.set(row, word, users.get(row, word) | (words[word] as number));
      }
    }
  }

  /**
   * The hour counts and first and last slots from the masks, in one pass (after a bulk load);
   * yields after each day.
   */
  *recountHours(): Generator<void, void, void> {
    for (const day of this.days.values()) {
      day.hours.fill(0);
      day.firsts.fill(0);
      day.lasts.fill(0);
    }
    for (const [dayNumber, day] of [...this.days]) {
      const next = this.days.get(dayNumber + 1);
      const rows = day.users;
      for (let row = 0; row < rows.size; row++) {
        countEdges(day, row, 1);
        const user = rows.keyAt(row);
        const w0 = rows.get(row, 0);
        const w1 = rows.get(row, 1);
        const w2 = rows.get(row, 2);
        const nextRow = next ? next.users.find(user) : -1;
        const n0 = nextRow >= 0 && next ? next.users.get(nextRow, 0) : 0;
        // Hour from slot g: any of the slots g … g+3 (into the next day for the last three).
        countBits(day.hours, 0, w0 | spread(w0, w1));
        countBits(day.hours, 32, w1 | spread(w1, w2));
        countBits(day.hours, 64, w2 | spread(w2, n0));
        // The previous day's last three hours reach into this day's first three slots.
        const previous = this.days.get(dayNumber - 1);
        if ((w0 & 0b111) !== 0 && (!previous || previous.users.find(user) < 0)) {
          const hours = this.day(dayNumber - 1).hours;
          const first = 31 - Math.clz32(w0 & -w0); // 0, 1 or 2
          for (let g = 93 + first; g < SLOTS_PER_DAY; g++) hours[g] = (hours[g] ?? 0) + 1;
        }
      }
      yield;
    }
  }

  /** Adds tracked messages of `user` in `slot`. */
  addMessages(user: number, slot: number, count: number): void {
    const dayNumber = Math.floor(slot / SLOTS_PER_DAY);
    const day = this.day(dayNumber);
    const row = day.users.upsert(user);
    day.users.set(row, MESSAGES, day.users.get(row, MESSAGES) + count);
    const cell = day.messages.upsert(user * SLOTS_PER_DAY + slot - dayNumber * SLOTS_PER_DAY);
    day.messages.set(cell, 0, day.messages.get(cell, 0) + count);
  }

  /**
   * Adds to `user`'s tracked messages of a day, without the per-slot cells: all apps together
   * keep only these totals (a window's partial days are read from the apps' cells).
   */
  addDayMessages(user: number, dayNumber: number, count: number): void {
    const day = this.day(dayNumber);
    const row = day.users.upsert(user);
    day.users.set(row, MESSAGES, day.users.get(row, MESSAGES) + count);
  }

  /** Bulk loading: one day's message cells (key user × 96 + slot, count), in any order. */
  loadMessages(dayNumber: number, keys: number[], counts: number[]): void {
    const day = this.day(dayNumber);
    const order = keys.map((_, i) => i).sort((a, b) => (keys[a] as number) - (keys[b] as number));
    for (const i of order) {
      const key = keys[i] as number;
      const count = counts[i] as number;
      const cell = day.messages.upsert(key);
      day.messages.set(cell, 0, day.messages.get(cell, 0) + count);
      const row = day.users.upsert(Math.floor(key / SLOTS_PER_DAY));
      day.users.set(row, MESSAGES, day.users.get(row, MESSAGES) + count);
    }
  }

  /** Drops tracked messages (the names changed; they are loaded again). */
  clearMessages(): void {
    for (const day of this.days.values()) {
      day.messages = new KeyedColumns(1);
      for (let row = 0; row < day.users.size; row++) day.users.set(row, MESSAGES, 0);
    }
  }

  /** The slots `user` was active in, in no particular order: one lookup per day held. */
  slotsOf(user: number): number[] {
    const slots: number[] = [];
    for (const [dayNumber, day] of this.days) {
      const row = day.users.find(user);
      if (row < 0) continue;
      for (let word = 0; word < 3; word++) {
        let rest = day.users.get(row, word);
        while (rest !== 0) {
          const bit = rest & -rest;
          slots.push(dayNumber * SLOTS_PER_DAY + word * 32 + 31 - Math.clz32(bit));
          rest ^= bit;
        }
      }
    }
    return slots;
  }

  /** Forgets a user: their slots leave the hour counts, their rows and last activity go. */
  erase(user: number): void {
    for (const [dayNumber, day] of this.days) {
      const row = day.users.find(user);
      if (row < 0) continue;
      countEdges(day, row, -1);
      for (let bit = 0; bit < SLOTS_PER_DAY; bit++) {
        if ((day.users.get(row, bit >>> 5) & (1 << (bit & 31))) === 0) continue;
        const slot = dayNumber * SLOTS_PER_DAY + bit;
        for (let start = slot - 3; start <= slot; start++) {
          let earlier = false;
          for (let s = start; s < slot && !earlier; s++) earlier = this.has(user, s);
          if (earlier) continue; // the hour was counted for an earlier slot of theirs
          const startDay = Math.floor(start / SLOTS_PER_DAY);
          const hours = this.day(startDay).hours;
          hours[start - startDay * SLOTS_PER_DAY] =
            (hours[start - startDay * SLOTS_PER_DAY] ?? 0) - 1;
        }
      }
    }
    for (const day of this.days.values()) {
      day.users.remove(user);
      for (let bit = 0; bit < SLOTS_PER_DAY; bit++) day.messages.remove(user * SLOTS_PER_DAY + bit);
    }
    if (user < this.lastActive.length) this.lastActive[user] = Number.NaN;
  }
}

/** A platform: its users by number, each app's activity, and all apps together. */
export class PlatformActivity {
  readonly users = new IndexedUsers();
  readonly apps = new Map<string, ScopeActivity>();
  readonly all = new ScopeActivity();
  private seen = new Int32Array(0);
  private stamp = 0;

  app(app: string): ScopeActivity {
    let found = this.apps.get(app);
    if (!found) {
      found = new ScopeActivity();
      this.apps.set(app, found);
    }
    return found;
  }

  /** A fresh "counted" mark for one distinct count. */
  nextStamp(): { seen: Int32Array; stamp: number } {
    if (this.seen.length < this.users.size) {
      this.seen = new Int32Array(Math.max(this.users.size, this.seen.length * 2));
      this.stamp = 0;
    }
    this.stamp++;
    return { seen: this.seen, stamp: this.stamp };
  }
}

/** Adds `by` to the counts of the row's first and last active slots, if it has any. */
function countEdges(day: Day, row: number, by: number): void {
  const w0 = day.users.get(row, 0);
  const w1 = day.users.get(row, 1);
  const w2 = day.users.get(row, 2);
  if ((w0 | w1 | w2) === 0) return;
  const first = w0 !== 0 ? lowest(w0) : w1 !== 0 ? 32 + lowest(w1) : 64 + lowest(w2);
  const last =
    w2 !== 0 ? 95 - Math.clz32(w2) : w1 !== 0 ? 63 - Math.clz32(w1) : 31 - Math.clz32(w0);
  day.firsts[first] = (day.firsts[first] as number) + by;
  day.lasts[last] = (day.lasts[last] as number) + by;
}

/** The lowest set bit of a non-zero word. */
function lowest(word: number): number {
  return 31 - Math.clz32(word & -word);
}

/** Bit i set when bit i+1, i+2 or i+3 is set, with `high` continuing `low`. */
function spread(low: number, high: number): number {
  return (low >>> 1) | (high << 31) | (low >>> 2) | (high << 30) | (low >>> 3) | (high << 29);
}

/** hours[base + i] += 1 for each bit i set in `bits`. */
function countBits(hours: Int32Array, base: number, bits: number): void {
  let rest = bits;
  while (rest !== 0) {
    const lowest = rest & -rest;
    const i = base + 31 - Math.clz32(lowest);
    hours[i] = (hours[i] ?? 0) + 1;
    rest ^= lowest;
  }
}

/** The bits [from, to) of a day (0–96) as three 32-bit masks. */
export function windowMasks(from: number, to: number): [number, number, number] {
  const word = (base: number) => {
    const lo = Math.max(from - base, 0);
    const hi = Math.min(to - base, 32);
    if (hi <= lo) return 0;
    const upper = hi === 32 ? -1 : (1 << hi) - 1;
    return upper & ~((1 << lo) - 1);
  };
  return [word(0), word(32), word(64)];
}
