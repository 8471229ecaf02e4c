// Distinct users active in a window of slots, from the activity index's days: the hour counts
// for an hour, first and last slots for a day's start or end (with one side scanned across a
// midnight), and a scan of each day, counting each user once, for longer windows.
import type { SlotWindow } from "../storage.js";
import {
  type Day,
  type PlatformActivity,
  type ScopeActivity,
  SLOTS_PER_DAY,
  windowMasks,
} from "./scope-activity.js";

/** Distinct users of the scope active in the window's slots. */
export function countWindow(
  platform: PlatformActivity,
  activity: ScopeActivity,
  window: SlotWindow,
): number {
  const { start, end } = window;
  if (end <= start) return 0;
  const firstDay = Math.floor(start / SLOTS_PER_DAY);
  if (end - start === 4) {
    return activity.days.get(firstDay)?.hours[start - firstDay * SLOTS_PER_DAY] ?? 0;
  }
  const lastDay = Math.floor((end - 1) / SLOTS_PER_DAY);
  // A window within a day, or across one midnight (a local day elsewhere than UTC), from the
  // days' first and last slots, and a scan of one side at most.
  if (lastDay === firstDay) {
    const day = activity.days.get(firstDay);
    if (!day) return 0;
    const [from, to] = [start - firstDay * SLOTS_PER_DAY, end - firstDay * SLOTS_PER_DAY];
    if (from === 0) return sum(day.firsts, 0, to);
    if (to === SLOTS_PER_DAY) return sum(day.lasts, from, SLOTS_PER_DAY);
    return countRows(activeWords(day, windowMasks(from, to)));
  }
  if (lastDay === firstDay + 1) {
    return countAcrossMidnight(
      activity.days.get(firstDay),
      start - firstDay * SLOTS_PER_DAY,
      activity.days.get(lastDay),
      end - lastDay * SLOTS_PER_DAY,
    );
  }
  const { seen, stamp } = platform.nextStamp();
  let count = 0;
  for (let dayNumber = firstDay; dayNumber <= lastDay; dayNumber++) {
    const day = activity.days.get(dayNumber);
    if (!day) continue;
    const dayStart = dayNumber * SLOTS_PER_DAY;
    const masks = windowMasks(
      Math.max(start, dayStart) - dayStart,
      Math.min(end, dayStart + SLOTS_PER_DAY) - dayStart,
    );
    count += countNewRows(day, masks, seen, stamp);
  }
  return count;
}

/**
 * The users of the scope active in the window's slots, as a test of a user number: valid until
 * the platform's next distinct count (`nextStamp`).
 */
export function activeUsersIn(
  platform: PlatformActivity,
  activity: ScopeActivity,
  window: SlotWindow,
): (user: number) => boolean {
  const { seen, stamp } = platform.nextStamp();
  const { start, end } = window;
  if (end > start) {
    const lastDay = Math.floor((end - 1) / SLOTS_PER_DAY);
    for (let dayNumber = Math.floor(start / SLOTS_PER_DAY); dayNumber <= lastDay; dayNumber++) {
      const day = activity.days.get(dayNumber);
      if (!day) continue;
      const dayStart = dayNumber * SLOTS_PER_DAY;
      const masks = windowMasks(
        Math.max(start, dayStart) - dayStart,
        Math.min(end, dayStart + SLOTS_PER_DAY) - dayStart,
      );
      countNewRows(day, masks, seen, stamp);
    }
  }
  return (user) => user < seen.length && seen[user] === stamp;
}

type Masks = [number, number, number];

/**
 * Distinct users active from slot `from` to the end of day `before`, or before slot `to` of the
 * day `after`: those of each side, less those of both, found by scanning the side with fewer
 * users and looking each up on the other.
 */
function countAcrossMidnight(
  before: Day | undefined,
  from: number,
  after: Day | undefined,
  to: number,
): number {
  const late = before ? sum(before.lasts, from, SLOTS_PER_DAY) : 0;
  const early = after ? sum(after.firsts, 0, to) : 0;
  if (!before || !after || late === 0 || early === 0) return late + early;
  const tail = activeWords(before, windowMasks(from, SLOTS_PER_DAY));
  const head = activeWords(after, windowMasks(0, to));
  const [scanned, other] = late <= early ? [tail, head] : [head, tail];
  const keys = scanned.day.users.columns().keys;
  let both = 0;
  const cursor = { at: 0 };
  for (let row = 0; row < scanned.size; row++) {
    if (!isActive(scanned, row)) continue;
    const found = other.day.users.findAscending(keys[row] as number, cursor);
    if (found >= 0 && isActive(other, found)) both++;
  }
  return late + early - both;
}

function sum(counts: Int32Array, from: number, to: number): number {
  let total = 0;
  for (let i = from; i < to; i++) total += counts[i] as number;
  return total;
}

/** The day's rows active in the window. */
function countRows(words: ActiveWords): number {
  let count = 0;
  for (let row = 0; row < words.size; row++) if (isActive(words, row)) count++;
  return count;
}

/**
 * Counts the day's users active in the slots of `masks` and not counted yet (`seen`), and marks
 * them.
 */
function countNewRows(day: Day, masks: Masks, seen: Int32Array, stamp: number): number {
  if ((masks[0] | masks[1] | masks[2]) === 0) return 0;
  const words = activeWords(day, masks);
  const keys = day.users.columns().keys;
  let count = 0;
  for (let row = 0; row < words.size; row++) {
    if (!isActive(words, row)) continue;
    const user = keys[row] as number;
    if (seen[user] === stamp) continue;
    seen[user] = stamp;
    count++;
  }
  return count;
}

/**
 * A day's slot masks as a window reads them. Only the words the window reaches are read (at a
 * day's edge, one of three): much of a scan's time is the memory it reads. A word not needed
 * stands in as the first, masked to nothing: no read of its own.
 */
interface ActiveWords {
  day: Day;
  size: number;
  wordA: Int32Array;
  wordB: Int32Array;
  wordC: Int32Array;
  maskA: number;
  maskB: number;
  maskC: number;
}

/** The words of a window with at least one slot. */
function activeWords(day: Day, masks: Masks): ActiveWords {
  const words = [0, 1, 2].filter((word) => masks[word] !== 0);
  const [a, b = a, c = a] = words as [number, number?, number?];
  const { values } = day.users.columns();
  return {
    day,
    size: day.users.size,
    wordA: values[a] as Int32Array,
    wordB: values[b] as Int32Array,
    wordC: values[c] as Int32Array,
    maskA: masks[a] as number,
    maskB: b === a ? 0 : (masks[b] as number),
    maskC: c === a ? 0 : (masks[c] as number),
  };
}

/**
 * Whether the row has a slot in the window: one branch for the three words (which word holds a
 * user's slots is hard to predict).
 */
function isActive(w: ActiveWords, row: number): boolean {
  return (
    (((w.wordA[row] as number) & w.maskA) |
      ((w.wordB[row] as number) & w.maskB) |
      ((w.wordC[row] as number) & w.maskC)) !==
    0
  );
}
