// A brute-force reference for the Users analytics tests: a fixed history, and every count
// computed from it minute by minute with local dates and hours read straight from Intl (never
// from the production code).
export const NOW = Date.UTC(2026, 10, 10, 15, 7, 0); // Tue 10 Nov 2026, 15:07 UTC; New York left DST on 1 Nov.
const MINUTE = 60_000;
export const ZONES = ["America/New_York", "Asia/Kathmandu", "UTC"];

interface Activity {
  id: string;
  user: string;
  app: string;
  name: string;
  ts: number;
}

/** A fixed pseudo-random history: 30 users, two apps, three weeks, busier on weekday afternoons. */
function history(): Activity[] {
  let seed = 42;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const out: Activity[] = [];
  const start = Date.UTC(2026, 9, 18, 0, 0, 0);
  for (let i = 0; i < 900; i++) {
    const user = `u${String(Math.floor(random() * random() * 30)).padStart(2, "0")}`;
    const ts = start + Math.floor((random() * (NOW - start)) / MINUTE) * MINUTE;
    out.push({
      id: `e${i}`,
      user,
      app: random() < 0.7 ? "math" : "essay",
      name: random() < 0.8 ? "message" : "page_view",
      ts,
    });
  }
  // Edges: the repeated 01:xx hour of New York's fall-back night, seen twice by one user.
  out.push({
    id: "dst-a",
    user: "u29",
    app: "math",
    name: "message",
    ts: Date.UTC(2026, 10, 1, 5, 30),
  });
  out.push({
    id: "dst-b",
    user: "u29",
    app: "math",
    name: "message",
    ts: Date.UTC(2026, 10, 1, 6, 30),
  });
  out.push({
    id: "dst-c",
    user: "u28",
    app: "math",
    name: "message",
    ts: Date.UTC(2026, 10, 1, 6, 45),
  });
  return out;
}

export const ACTIVITY = history();

// ---- the reference: Intl only -------------------------------------------------------------

type LocalKey = { date: string; hour: number; weekday: number; offset: string };
const formatters = new Map<string, Intl.DateTimeFormat>();
const keys = new Map<string, LocalKey>();

export function localKey(tz: string, ts: number): LocalKey {
  const cacheKey = `${tz}|${Math.floor(ts / (15 * MINUTE))}`;
  let key = keys.get(cacheKey);
  if (!key) {
    key = readLocalKey(tz, ts);
    keys.set(cacheKey, key);
  }
  return key;
}

function readLocalKey(tz: string, ts: number): LocalKey {
  let format = formatters.get(tz);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      hourCycle: "h23",
      weekday: "short",
      timeZoneName: "longOffset",
    });
    formatters.set(tz, format);
  }
  const parts = Object.fromEntries(
    format.formatToParts(new Date(ts)).map((p) => [p.type, p.value]),
  );
  const weekday = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].indexOf(parts.weekday!) + 1;
  const offset = parts.timeZoneName === "GMT" ? "+00:00" : parts.timeZoneName!.replace("GMT", "");
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    hour: Number(parts.hour),
    weekday,
    offset,
  };
}

/**
 * Every quarter hour of [from, to), the reference's grain of local time: every zone's offset is a
 * whole number of quarter hours, so local date and hour are constant within one.
 */
const QUARTER = 15 * MINUTE;
function quarters(from: number, to: number): number[] {
  const out: number[] = [];
  for (let t = Math.floor(from / QUARTER) * QUARTER; t < to; t += QUARTER) out.push(t);
  return out;
}

/** The first instant of a local date, found by scanning minutes (no offset arithmetic). */
function localMidnight(tz: string, date: string): number {
  const guess = Date.parse(`${date}T00:00:00Z`);
  for (let t = guess - 15 * 3_600_000; t < guess + 15 * 3_600_000; t += 15 * MINUTE) {
    if (localKey(tz, t).date === date) return t;
  }
  throw new Error(`no midnight for ${date}`);
}

function localDateAdd(date: string, days: number): string {
  const d = new Date(Date.parse(`${date}T12:00:00Z`) + days * 86_400_000);
  return d.toISOString().slice(0, 10);
}

export function referenceRange(
  tz: string,
  range: string,
  from?: string,
  to?: string,
): [number, number] {
  const today = localKey(tz, NOW).date;
  if (range === "today") return [localMidnight(tz, today), NOW];
  if (range === "7d") return [localMidnight(tz, localDateAdd(today, -6)), NOW];
  if (range === "30d") return [localMidnight(tz, localDateAdd(today, -29)), NOW];
  return [localMidnight(tz, from!), localMidnight(tz, localDateAdd(to!, 1))];
}

/**
 * The period a range is compared with, from the reference's own calendar: as many local days just
 * before; a range ending now stops at the same local time of its last day.
 */
export function referencePrevious(
  tz: string,
  range: string,
  from?: string,
  to?: string,
): [number, number] {
  const today = localKey(tz, NOW).date;
  const [first, last] =
    range === "custom"
      ? [from!, to!]
      : [localDateAdd(today, range === "today" ? 0 : range === "7d" ? -6 : -29), today];
  const count = Math.round((Date.parse(last) - Date.parse(first)) / 86_400_000) + 1;
  const start = localMidnight(tz, localDateAdd(first, -count));
  const currentStart = localMidnight(tz, first);
  if (range === "custom") return [start, currentStart];
  const intoToday = NOW - localMidnight(tz, today);
  // Through the end of the 15-minute slot holding that time of day.
  const sameTime = localMidnight(tz, localDateAdd(last, -count)) + intoToday;
  return [start, Math.min(currentStart, Math.ceil(sameTime / 900_000) * 900_000)];
}

export function activeUsers(app: string | null, from: number, to: number): Set<string> {
  return new Set(
    ACTIVITY.filter((a) => (app === null || a.app === app) && a.ts >= from && a.ts < to).map(
      (a) => a.user,
    ),
  );
}

export function referenceHeatmap(tz: string, app: string | null, from: number, to: number) {
  const occurrences = new Map<string, Set<string>>(); // "weekday:hour" → local dates seen
  for (const t of quarters(from, to)) {
    const k = localKey(tz, t);
    const cell = `${k.weekday}:${k.hour}`;
    if (!occurrences.has(cell)) occurrences.set(cell, new Set());
    occurrences.get(cell)!.add(k.date);
  }
  const usersByDateHour = new Map<string, Set<string>>();
  for (const a of ACTIVITY) {
    if ((app !== null && a.app !== app) || a.ts < from || a.ts >= to) continue;
    const k = localKey(tz, a.ts);
    const key = `${k.date}:${k.hour}`;
    if (!usersByDateHour.has(key)) usersByDateHour.set(key, new Set());
    usersByDateHour.get(key)!.add(a.user);
  }
  const cells = [];
  for (let weekday = 1; weekday <= 7; weekday++) {
    for (let hour = 0; hour < 24; hour++) {
      const dates = occurrences.get(`${weekday}:${hour}`) ?? new Set<string>();
      let total = 0;
      for (const date of dates) total += usersByDateHour.get(`${date}:${hour}`)?.size ?? 0;
      const average = dates.size === 0 ? 0 : Math.round((total / dates.size) * 100) / 100;
      cells.push({ weekday, hour, average, total, occurrences: dates.size });
    }
  }
  return cells;
}

/** Hour or day buckets as runs of quarter hours sharing a local hour (or date) and offset. */
export function referenceBuckets(tz: string, from: number, to: number, size: "hour" | "day") {
  const buckets: Array<{ id: string; start: number; end: number; label: string }> = [];
  for (const t of quarters(from, to)) {
    const k = localKey(tz, t);
    const id = size === "hour" ? `${k.date}T${k.hour}${k.offset}` : k.date;
    const last = buckets.at(-1);
    if (last && last.id === id) {
      last.end = Math.min(t + QUARTER, to);
      continue;
    }
    const hh = size === "hour" ? String(k.hour).padStart(2, "0") : "00";
    buckets.push({
      id,
      start: t,
      end: Math.min(t + QUARTER, to),
      label: `${k.date}T${hh}:00:00${k.offset}`,
    });
  }
  return buckets;
}
