// The activity rollups held in memory: exact distinct-user counts over any windows, and the
// user table, in time proportional to the users of the days asked about, never to the events.
import type { AppScope, SlotWindow, UserTableQuery, UserTableResult } from "../storage.js";
import { buildUserTable } from "./index-user-table.js";
import { PlatformActivity, SLOTS_PER_DAY } from "./scope-activity.js";
import { countWindow } from "./window-counts.js";

/**
 * What the analytics read, kept in memory by the adapter that writes it (SQLite: one process owns
 * the file). Fed with the rows the adapter commits, so it answers exactly what the SQL would.
 */
export class ActivityIndex {
  private readonly platforms = new Map<string, PlatformActivity>();
  /** The event names counted as messages; null until the first user table asks. */
  private messageNames: string[] | null = null;

  platform(id: string): PlatformActivity {
    let found = this.platforms.get(id);
    if (!found) {
      found = new PlatformActivity();
      this.platforms.set(id, found);
    }
    return found;
  }

  /** The platforms held, in the order first seen (what a snapshot saves). */
  platformEntries(): IterableIterator<[string, PlatformActivity]> {
    return this.platforms.entries();
  }

  /** The event names counted as messages, or null (what a snapshot saves). */
  get trackedMessages(): readonly string[] | null {
    return this.messageNames;
  }

  tracksMessages(names: string[]): boolean {
    return this.messageNames !== null && sameNames(this.messageNames, names);
  }

  /** Starts counting these names as messages, forgetting any others; the caller loads them. */
  trackMessages(names: string[]): void {
    this.messageNames = [...names];
    for (const platform of this.platforms.values()) {
      for (const app of platform.apps.values()) app.clearMessages();
      platform.all.clearMessages();
    }
  }

  /** Registers a user; `role` null keeps the one known (a change log written before roles). */
  setUser(platform: string, id: string, name: string, email: string, role: string | null): void {
    const users = this.platform(platform).users;
    users.register(id, name, email);
    if (role !== null) users.setRole(id, role);
  }

  eraseUser(platform: string, id: string): void {
    const found = this.platforms.get(platform);
    const user = found?.users.numberOf(id);
    if (!found || user === undefined) return;
    for (const app of found.apps.values()) app.erase(user);
    found.all.erase(user);
    found.users.unregister(id);
  }

  /** The slots a user was active in, any app (what erasing them must reach). */
  slotsOf(platform: string, id: string): number[] {
    const found = this.platforms.get(platform);
    const user = found?.users.numberOf(id);
    return !found || user === undefined ? [] : found.all.slotsOf(user);
  }

  markSlot(platform: string, app: string, user: string, slot: number): void {
    const found = this.platform(platform);
    const number = found.users.number(user);
    found.app(app).mark(number, slot);
    found.all.mark(number, slot);
  }

  /**
   * Loads rollup rows in bulk: `mark(app, user, slot)` for each, then `done()` counts the hours
   * once. Rows in any order; in time order, each day's rows wait until the next day begins and
   * are then set by user number, so they append to the day's rows instead of inserting.
   */
  bulkSlots(platform: string): {
    mark(app: string, user: string, slot: number): void;
    /** Yields after each day's work, so a load in slices can let other work run. */
    done(): Generator<void, void, void>;
  } {
    const found = this.platform(platform);
    let day = Number.NaN;
    /** The waiting day's rows by app: user number × 96 + slot of the day. */
    let waiting = new Map<string, number[]>();
    const fileDay = () => {
      if (waiting.size === 0) return;
      const all: number[] = [];
      for (const [app, keys] of waiting) {
        found.app(app).setDayBits(day, Float64Array.from(keys).sort());
        for (const key of keys) all.push(key);
      }
      found.all.setDayBits(day, Float64Array.from(all).sort());
      waiting = new Map();
    };
    let lastUser = "";
    let number = -1;
    return {
      mark(app, user, slot) {
        const slotDay = Math.floor(slot / SLOTS_PER_DAY);
        if (slotDay !== day) {
          fileDay();
          day = slotDay;
        }
        if (user !== lastUser || number < 0) {
          lastUser = user;
          number = found.users.number(user);
        }
        let keys = waiting.get(app);
        if (!keys) {
          keys = [];
          waiting.set(app, keys);
        }
        keys.push(number * SLOTS_PER_DAY + slot - day * SLOTS_PER_DAY);
      },
      *done() {
        fileDay();
        for (const app of found.apps.values()) yield* app.recountHours();
        yield* found.all.recountHours();
      },
    };
  }

  /** Loads tracked message counts in bulk, rows in any order; `done()` files them by day. */
  bulkMessages(platform: string): {
    add(app: string, user: string, slot: number, count: number): void;
    /** Yields after each day's cells. */
    done(): Generator<void, void, void>;
  } {
    const found = this.platform(platform);
    const days = new Map<string, Map<number, { keys: number[]; counts: number[] }>>();
    return {
      add(app, user, slot, count) {
        let byDay = days.get(app);
        if (!byDay) {
          byDay = new Map();
          days.set(app, byDay);
        }
        const dayNumber = Math.floor(slot / SLOTS_PER_DAY);
        let cells = byDay.get(dayNumber);
        if (!cells) {
          cells = { keys: [], counts: [] };
          byDay.set(dayNumber, cells);
        }
        cells.keys.push(
          found.users.number(user) * SLOTS_PER_DAY + slot - dayNumber * SLOTS_PER_DAY,
        );
        cells.counts.push(count);
      },
      *done() {
        for (const [app, byDay] of days) {
          for (const [dayNumber, cells] of byDay) {
            found.app(app).loadMessages(dayNumber, cells.keys, cells.counts);
            cells.keys.forEach((key, i) => {
              const user = Math.floor(key / SLOTS_PER_DAY);
              found.all.addDayMessages(user, dayNumber, cells.counts[i] as number);
            });
            byDay.delete(dayNumber); // filed: its arrays can go
            yield;
          }
        }
      },
    };
  }

  /** user_apps' last_active_at: the latest moment the user was active in the app. */
  touchApp(platform: string, app: string, user: string, at: number): void {
    const found = this.platform(platform);
    const number = found.users.number(user);
    found.app(app).touch(number, at);
    found.all.touch(number, at);
  }

  countEvent(platform: string, app: string, name: string, user: string, slot: number, n = 1): void {
    if (this.messageNames === null || !this.messageNames.includes(name)) return;
    const found = this.platform(platform);
    const number = found.users.number(user);
    found.app(app).addMessages(number, slot, n);
    found.all.addDayMessages(number, Math.floor(slot / SLOTS_PER_DAY), n);
  }

  /** Distinct users active in each window, as `countActiveUsers` of the SQL adapters. */
  countActiveUsers(scope: AppScope, windows: SlotWindow[]): number[] {
    const platform = this.platforms.get(scope.platform);
    const activity = scope.app === null ? platform?.all : platform?.apps.get(scope.app);
    if (!platform || !activity) return windows.map(() => 0);
    return windows.map((window) => countWindow(platform, activity, window));
  }

  /**
   * `countKnownUsers` of the SQL adapters: users ever active in the app (its `user_apps` rows),
   * or for the whole platform its registered users.
   */
  countKnownUsers(scope: AppScope): number {
    const platform = this.platforms.get(scope.platform);
    if (!platform) return 0;
    if (scope.app === null) return platform.users.registeredCount();
    return platform.apps.get(scope.app)?.knownUsers() ?? 0;
  }

  /** The user table; the caller makes sure the query's message names are tracked. */
  userTable(query: UserTableQuery): UserTableResult {
    const platform = this.platforms.get(query.scope.platform);
    if (!platform) return { total: 0, rows: [], roles: [] };
    return buildUserTable(platform, query);
  }
}

function sameNames(a: string[], b: string[]): boolean {
  return a.length === b.length && [...a].sort().join("\u0000") === [...b].sort().join("\u0000");
}

/** Tags of IndexWrites' operations. */
const SET_USER = 0;
const MARK_SLOT = 1;
const TOUCH_APP = 2;
const COUNT_EVENT = 3;
const ERASE_USER = 4;
/** SET_USER without a role: version 1 of the log text had none. */
const SET_USER_V1 = 5;
/** Each tag's arguments: s a string, n a number (what the log's text stores as a reference). */
const SHAPES = ["sssss", "sssn", "sssn", "ssssn", "ss", "ssss"];
/** The version of the change log's text (toLogText); 1 is read too, a newer one is refused. */
const LOG_TEXT_VERSION = 2;

/**
 * What one transaction wrote, for the index: applied after the commit, so a rolled-back batch
 * leaves the index as it was. Plain values (a tag, then the arguments), so the SQLite writer
 * thread can send them to the thread that holds the index.
 */
export class IndexWrites {
  constructor(readonly ops: Array<string | number> = []) {}

  setUser(platform: string, id: string, name: string, email: string, role: string): void {
    this.ops.push(SET_USER, platform, id, name, email, role);
  }

  markSlot(platform: string, app: string, user: string, slot: number): void {
    this.ops.push(MARK_SLOT, platform, app, user, slot);
  }

  touchApp(platform: string, app: string, user: string, at: number): void {
    this.ops.push(TOUCH_APP, platform, app, user, at);
  }

  countEvent(platform: string, app: string, name: string, user: string, slot: number): void {
    this.ops.push(COUNT_EVENT, platform, app, name, user, slot);
  }

  /**
   * The ops as the index's change log stores them: JSON of each distinct string once and the
   * ops with numbers in their place. A batch names the same platform, apps and users over and
   * over: ~40 bytes an event against ~125 as plain JSON of the ops.
   */
  toLogText(): string {
    const strings: string[] = [];
    const refs = new Map<string, number>();
    const ops: number[] = new Array(this.ops.length);
    for (let at = 0; at < this.ops.length; at++) {
      const value = this.ops[at] as string | number;
      if (typeof value === "number") {
        ops[at] = value;
        continue;
      }
      let ref = refs.get(value);
      if (ref === undefined) {
        ref = strings.length;
        refs.set(value, ref);
        strings.push(value);
      }
      ops[at] = ref;
    }
    return JSON.stringify({ v: LOG_TEXT_VERSION, s: strings, o: ops });
  }

  /** The writes a change-log row holds (toLogText); throws on text of another version. */
  static fromLogText(text: string): IndexWrites {
    const { v, s: strings, o: refs } = JSON.parse(text) as { v: number; s: string[]; o: number[] };
    if (v !== LOG_TEXT_VERSION && v !== 1) throw new Error(`index log text version ${v}`);
    const ops: Array<string | number> = new Array(refs.length);
    for (let at = 0; at < refs.length; ) {
      const tag = v === 1 && refs[at] === SET_USER ? SET_USER_V1 : (refs[at] as number);
      const shape = SHAPES[tag];
      if (shape === undefined) throw new Error(`unknown index write ${tag} at ${at}`);
      ops[at++] = tag;
      for (let arg = 0; arg < shape.length; arg++, at++) {
        const ref = refs[at] as number;
        ops[at] = shape[arg] === "s" ? (strings[ref] as string) : ref;
      }
    }
    return new IndexWrites(ops);
  }

  /** A user erased (the index's log replays it where the live index erased them). */
  eraseUser(platform: string, id: string): void {
    this.ops.push(ERASE_USER, platform, id);
  }

  apply(index: ActivityIndex): void {
    const ops = this.ops;
    const text = (at: number) => ops[at] as string;
    for (let at = 0; at < ops.length; ) {
      switch (ops[at]) {
        case SET_USER:
          index.setUser(text(at + 1), text(at + 2), text(at + 3), text(at + 4), text(at + 5));
          at += 6;
          break;
        case SET_USER_V1:
          index.setUser(text(at + 1), text(at + 2), text(at + 3), text(at + 4), null);
          at += 5;
          break;
        case MARK_SLOT:
          index.markSlot(text(at + 1), text(at + 2), text(at + 3), ops[at + 4] as number);
          at += 5;
          break;
        case TOUCH_APP:
          index.touchApp(text(at + 1), text(at + 2), text(at + 3), ops[at + 4] as number);
          at += 5;
          break;
        case COUNT_EVENT:
          index.countEvent(
            text(at + 1),
            text(at + 2),
            text(at + 3),
            text(at + 4),
            ops[at + 5] as number,
          );
          at += 6;
          break;
        case ERASE_USER:
          index.eraseUser(text(at + 1), text(at + 2));
          at += 3;
          break;
        default:
          throw new Error(`unknown index write ${String(ops[at])} at ${at}`);
      }
    }
  }
}
