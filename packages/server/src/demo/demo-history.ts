// Backfills weeks of believable activity for the demo people, so the analytics say something at once.
import type { EventRecord } from "../storage/storage.js";
import { DEMO_PAGES, type DemoPerson } from "./demo-catalog.js";

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** Hours people tend to start a study session (UTC), weighted: late morning, afternoon, evening. */
const START_HOURS = [8, 9, 10, 10, 11, 11, 13, 14, 14, 15, 16, 18, 19, 19, 20, 20, 21, 21, 22];

const APPS = [...new Set(DEMO_PAGES.map((p) => p.app).filter((a): a is string => a !== null))];

/** A small seeded generator: the same demo history on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Events for `days` days before `now`: weekday peaks, evening use, a few heavy users and a quiet
 * group who stopped coming after the first week. Ids are stable, so backfilling twice stores once.
 */
export function demoHistory(
  platform: string,
  people: DemoPerson[],
  now: number,
  days: number,
): EventRecord[] {
  const random = seededRandom(20_261_123);
  const events: EventRecord[] = [];
  const firstDay = Math.floor(now / DAY_MS) - days;
  people.forEach((person, index) => {
    const isHeavy = index % 17 === 3;
    const isQuiet = index % 7 === 5;
    const favourite = APPS[index % APPS.length]!;
    for (let day = firstDay; day < firstDay + days; day++) {
      if (isQuiet && day > firstDay + 7) break;
      const weekday = new Date(day * DAY_MS).getUTCDay();
      const isWeekend = weekday === 0 || weekday === 6;
      const chance = (isWeekend ? 0.25 : 0.7) * (isHeavy ? 1.3 : 1);
      const sessions = random() < chance ? 1 + (random() < (isHeavy ? 0.7 : 0.25) ? 1 : 0) : 0;
      for (let s = 0; s < sessions; s++) {
        const hour = START_HOURS[Math.floor(random() * START_HOURS.length)]!;
        let ts = day * DAY_MS + hour * 3_600_000 + Math.floor(random() * 60) * MINUTE_MS;
        const app = random() < 0.75 ? favourite : APPS[Math.floor(random() * APPS.length)]!;
        const messages = Math.floor((isHeavy ? 12 : 3) + random() * (isHeavy ? 25 : 9));
        for (let m = 0; m < messages && ts < now; m++) {
          events.push({
            platform,
            id: `demo-${person.id}-${day}-${s}-${m}`,
            user: person.id,
            name: random() < 0.85 ? "message" : "page_view",
            app,
            ts,
            props: null,
          });
          ts += Math.floor((1 + random() * 6) * MINUTE_MS);
        }
      }
    }
  });
  return events;
}
