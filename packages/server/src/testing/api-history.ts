// A random platform history as the public API takes it: user profiles and backend event batches.
import { seededRandom } from "./seeded-random.js";

const MINUTE_MS = 60_000;
const SLOT_MS = 15 * MINUTE_MS;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** The moment the servers' clock stands at: 7d and 30d span Berlin's and New York's fall-back. */
export const HISTORY_NOW = Date.UTC(2026, 10, 4, 10, 20); // Wednesday 2026-11-04 10:20Z
export const HISTORY_START = Date.UTC(2026, 2, 1);

/** New York's and Berlin's spring-forward, then Berlin's and New York's fall-back, in 2026. */
export const DST_CHANGES = [
  Date.UTC(2026, 2, 8, 7),
  Date.UTC(2026, 2, 29, 1),
  Date.UTC(2026, 9, 25, 1),
  Date.UTC(2026, 10, 1, 6),
];

/** Asia/Kathmandu's local midnight (+05:45) in UTC, minutes into the day. */
const KATHMANDU_MIDNIGHT_MS = 18 * HOUR_MS + 15 * MINUTE_MS;

export const APPS = ["math", "essay", "lab"] as const;
const NAMES = ["message", "message", "page_view", "reaction"];
/** Offsets `ts` is written with (the same instant either way), in minutes. */
const OFFSETS = [0, 0, 345, 60, 120, -300, -240];

export interface Profile {
  id: string;
  name: string;
  email: string;
  role: string;
}

export interface ApiEvent {
  id: string;
  user: string;
  name: string;
  app?: string | null;
  ts?: string;
  props?: Record<string, unknown>;
}

export interface ApiHistory {
  /** PUT before any event. */
  profilesBefore: Profile[];
  /** Batches for POST /api/v1/events, in order; some ids repeat, some batches are retried whole. */
  batches: ApiEvent[][];
  /** PUT after the events: users first seen through an event, and renames. */
  profilesAfter: Profile[];
  /** DELETE last: their profiles and activity leave every count. */
  erased: string[];
  /** What the events must leave behind: the first event of each id, its time in ms (erased users' too). */
  accepted: Array<{ user: string; name: string; app: string | null; ts: number }>;
}

// Letter case beyond ASCII (İ lowers to two code points in JS, Σ to ς at a word's end), scripts
// without case, LIKE's special characters, equal names in different case.
const PEOPLE: Profile[] = [
  ["jose", "José Ñúñez", "jose@escuela.example"],
  ["angstrom", "Ångström", "anders@lab.example"],
  ["istanbul", "İstanbul", "ist@city.example"],
  ["strasse", "Straße", "STRASSE@city.example"],
  ["yamada", "山田太郎", "taro@jp.example"],
  ["emile", "Émile", "emile@school.example"],
  ["EMILE", "émile", "Emile2@school.example"],
  ["anna", "Анна", "anna@school.example"],
  ["ivan", "ivan", "ivan@school.example"],
  ["isaac", "Isaac", "isaac@school.example"],
  ["zoe", "Zoë 🚀", "zoe@school.example"],
  ["zoe2", "Zoë ｚ", "zoe2@school.example"], // U+FF5A: before 🚀 by code point, after it in UTF-16
  ["odysseus", "ΟΔΥΣΣΕΥΣ", "odysseus@ithaca.example"],
  ["u_1", "Under_Score", "under@school.example"],
  ["pct", "100% Sure", "pct@school.example"],
  ["sam", "Sam", "sam@school.example"],
  ["Sam", "sam", "sam2@school.example"],
  ["never", "Never Came", "never@school.example"],
].map(([id, name, email], i) => ({
  id: id as string,
  name: name as string,
  email: email as string,
  role: ["Learner", "Instructor", "Admin"][i % 3] as string,
}));

/** Users the events name first (registered by id), then PUT with a profile of their own. */
const LATE_PROFILES: Profile[] = [
  { id: "late-kathmandu", name: "Bishnu Shrestha", email: "bishnu@np.example", role: "Learner" },
  { id: "late-δ", name: "Δήμητρα", email: "dimitra@gr.example", role: "Learner" },
];
/** Users only events name, never PUT: their name is their id. */
const GHOSTS = ["ghost-1", "gäst-Ümit", "ghost 3"];

export function apiHistory(seed: number, eventCount = 500): ApiHistory {
  const next = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const extras: Profile[] = Array.from({ length: 12 }, (_, i) => ({
    id: `u${seed % 97}-${i}`,
    name: `${pick(["Ada", "ada", "Ölaf", "Chloé", "李", "Ümit", "Ines"])} ${pick(["Lovelace", "Ng", "Ørsted", "O'Hara"])}`,
    email: `user${i}@${pick(["school", "School", "ÉCOLE"])}.example`,
    role: pick(["Learner", "Instructor"]),
  }));
  const profiles = [...PEOPLE, ...extras];
  const actors = [
    ...profiles.filter((p) => p.id !== "never").map((p) => p.id),
    ...LATE_PROFILES.map((p) => p.id),
    ...GHOSTS,
  ];

  const events: ApiEvent[] = [];
  const times: number[] = [];
  for (let n = 0; n < eventCount; n++) {
    const ts = pickTime(next, pick);
    const withoutTs = next() < 0.01;
    const event: ApiEvent = {
      id: n % 50 === 7 ? `évt ${seed}/${n}` : `e${seed}-${n}`,
      user: pick(actors),
      name: pick(NAMES),
      app: next() < 0.2 ? null : pick(APPS),
      ...(withoutTs ? {} : { ts: writtenAt(ts, pick(OFFSETS)) }),
      ...(next() < 0.2 ? { props: { n, text: 'ünïcode \u2028 "quoted"' } } : {}),
    };
    if (event.app === null && next() < 0.5) delete event.app;
    events.push(event);
    times.push(withoutTs ? HISTORY_NOW : ts);
  }

  // Batches of 1 to 150; later ones repeat earlier ids, the same body or another (first one wins),
  // one holds an id twice, and one is retried whole.
  const batches: ApiEvent[][] = [];
  for (let start = 0; start < events.length; ) {
    const size = 1 + Math.floor(next() * 150);
    const batch = events.slice(start, start + size);
    for (let i = 0; i < 5 && start > 0; i++) {
      const earlier = events[Math.floor(next() * start)]!;
      batch.push(
        next() < 0.5
          ? earlier
          : {
              ...earlier,
              name: "message",
              app: pick(APPS),
              ts: writtenAt(pickTime(next, pick), 0),
            },
      );
    }
    if (batches.length === 2) batch.push(batch[0]!);
    batches.push(batch);
    if (batches.length === 3) batches.push(batch);
    start += size;
  }

  const accepted = events.map((e, i) => ({
    user: e.user,
    name: e.name,
    app: e.app ?? null,
    ts: times[i]!,
  }));
  const renamed = { ...PEOPLE[3]!, name: "Straße" };
  return {
    profilesBefore: [
      ...profiles.slice(0, 3),
      { ...renamed, name: "Strasse" },
      ...profiles.slice(4),
    ],
    batches,
    profilesAfter: [...LATE_PROFILES, renamed],
    erased: [GHOSTS[2]!, LATE_PROFILES[1]!.id, extras[3]!.id],
    accepted,
  };
}

/** Clustered where zones disagree: around DST changes and Kathmandu's midnight, and recently. */
function pickTime(next: () => number, pick: <T>(items: readonly T[]) => T): number {
  const r = next();
  let ts: number;
  if (r < 0.4) {
    const change = pick(DST_CHANGES);
    ts =
      next() < 0.15
        ? change + pick([-1, 0, 1, -SLOT_MS, SLOT_MS, -HOUR_MS, HOUR_MS, 2 * HOUR_MS])
        : change + Math.floor((next() * 2 - 1) * 30 * HOUR_MS);
  } else if (r < 0.55) {
    const day = Math.floor(next() * ((HISTORY_NOW - HISTORY_START) / DAY_MS));
    ts =
      HISTORY_START + day * DAY_MS + KATHMANDU_MIDNIGHT_MS + Math.floor((next() * 2 - 1) * HOUR_MS);
  } else if (r < 0.6) {
    ts = HISTORY_NOW - Math.floor(next() * 12 * HOUR_MS);
  } else if (r < 0.88) {
    ts = HISTORY_NOW - Math.floor(next() * 32 * DAY_MS);
  } else {
    ts = HISTORY_START + Math.floor(next() * (HISTORY_NOW - HISTORY_START));
  }
  return Math.min(ts, HISTORY_NOW);
}

/** The instant as ISO 8601 with the given offset from UTC (minutes), as a backend in that zone writes it. */
function writtenAt(ts: number, offset: number): string {
  if (offset === 0) return new Date(ts).toISOString();
  const local = new Date(ts + offset * MINUTE_MS).toISOString().slice(0, 23);
  const abs = Math.abs(offset);
  const hhmm = `${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
  return `${local}${offset < 0 ? "-" : "+"}${hhmm}`;
}
