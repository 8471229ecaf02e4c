// Users analytics: summary, active users over time, heatmap and the user table, per app.
import type {
  ActiveOverTime,
  Heatmap,
  HeatmapCell,
  UsersSummary,
  UserTable,
} from "@rollcall/protocol";
import type { PresenceService } from "../presence/presence-service.js";
import { SLOT_MS, type SlotWindow, type Storage, type UserTableRow } from "../storage/storage.js";
import { nullableIsoTime } from "../storage/stored-time.js";
import { bucketSizeFor, heatmapHours, timeBuckets } from "./analytics-buckets.js";
import type { AnalyticsQuery, TableParams } from "./analytics-query.js";
import { type AnalyticsRange, lastLocalDays, previousRange } from "./analytics-range.js";
import { toZonedIso } from "./zoned-time.js";

const DAY_MS = 86_400_000;

/** Instants [start, end) as the 15-minute slots that cover them. */
export function toSlots(start: number, end: number): SlotWindow {
  return { start: Math.floor(start / SLOT_MS), end: Math.ceil(end / SLOT_MS) };
}

/** The period the query's range is compared with. */
function periodBefore(query: AnalyticsQuery): AnalyticsRange {
  return previousRange(query.range, query.tz, query.rangeName !== "custom");
}

/** The periods the summary counts over: the last 30 local days and the range, each with the one before. */
export function summaryPeriods(
  query: AnalyticsQuery,
): Record<"last30" | "before30" | "range" | "before", AnalyticsRange> {
  const last30 = lastLocalDays(query.tz, query.now, 30);
  return {
    last30,
    before30: previousRange(last30, query.tz, true),
    range: query.range,
    before: periodBefore(query),
  };
}

export class UsersAnalytics {
  constructor(
    private readonly storage: Storage,
    private readonly presence: PresenceService,
    private readonly messageNames: string[],
  ) {}

  async summary(query: AnalyticsQuery): Promise<UsersSummary> {
    const { last30, before30, before } = summaryPeriods(query);
    const [active30d, activeInRange, previous30d, previousInRange] =
      await this.storage.countActiveUsers(query.scope, [
        toSlots(last30.start, last30.end),
        toSlots(query.range.start, query.range.end),
        toSlots(before30.start, before30.end),
        toSlots(before.start, before.end),
      ]);
    return {
      currentlyOnline: this.currentlyOnline(query),
      active30d: active30d ?? 0,
      totalRegistered: await this.storage.countKnownUsers(query.scope),
      activeInRange: activeInRange ?? 0,
      previous: {
        start: toZonedIso(query.tz, before.start),
        end: toZonedIso(query.tz, before.end),
        active30d: previous30d ?? 0,
        activeInRange: previousInRange ?? 0,
      },
    };
  }

  async activeOverTime(query: AnalyticsQuery): Promise<ActiveOverTime> {
    const bucket = bucketSizeFor(query.range);
    const buckets = timeBuckets(query.range, bucket, query.tz);
    const before = periodBefore(query);
    // Cut where the period before ends (the same time of its last day), as the summary is.
    const earlier = timeBuckets(before, bucket, query.tz).map((b) => ({
      ...b,
      end: Math.min(b.end, before.end),
    }));
    const counts = await this.storage.countActiveUsers(
      query.scope,
      [...buckets, ...earlier].map((b) => toSlots(b.start, b.end)),
    );
    return {
      bucket,
      points: buckets.map((b, i) => ({ start: b.label, users: counts[i] ?? 0 })),
      previous: {
        start: toZonedIso(query.tz, before.start),
        end: toZonedIso(query.tz, before.end),
        points: earlier.map((b, i) => ({ start: b.label, users: counts[buckets.length + i] ?? 0 })),
      },
    };
  }

  async heatmap(query: AnalyticsQuery): Promise<Heatmap> {
    const hours = heatmapHours(query.range, query.tz);
    const counts = await this.storage.countActiveUsers(
      query.scope,
      hours.map((h) => toSlots(h.start, h.end)),
    );
    const cells: HeatmapCell[] = [];
    for (let weekday = 1; weekday <= 7; weekday++) {
      for (let hour = 0; hour < 24; hour++) {
        cells.push({ weekday, hour, average: 0, total: 0, occurrences: 0 });
      }
    }
    hours.forEach((h, i) => {
      const cell = cells[(h.weekday - 1) * 24 + h.hour]!;
      cell.total += counts[i] ?? 0;
      cell.occurrences += 1;
    });
    for (const cell of cells) {
      cell.average = cell.occurrences === 0 ? 0 : round(cell.total / cell.occurrences, 2);
    }
    return { tz: query.tz, cells };
  }

  async table(query: AnalyticsQuery, params: TableParams): Promise<UserTable> {
    const { total, rows, roles } = await this.storage.userTable({
      scope: query.scope,
      messages: toSlots(query.range.start, query.range.end),
      messageNames: this.messageNames,
      members: params.members,
      q: params.q,
      inactiveBefore:
        params.inactiveDays === null ? null : query.now - params.inactiveDays * DAY_MS,
      minMessages: params.minMessages,
      maxMessages: params.maxMessages,
      role: params.role,
      sort: params.sort,
      order: params.order,
      limit: params.format === "csv" ? null : params.limit,
      offset: params.format === "csv" ? 0 : params.offset,
    });
    return { total, users: rows.map(toTableUser), roles };
  }

  /** Online or idle now, on a page of the app (any page for the whole platform). */
  private currentlyOnline(query: AnalyticsQuery): number {
    let count = 0;
    for (const view of this.presence.views(query.scope.platform)) {
      if (view.status === "offline") continue;
      const app = query.scope.app;
      if (app === null || view.connections.some((c) => c.isLive && (c.page.app ?? null) === app)) {
        count++;
      }
    }
    return count;
  }
}

function toTableUser(row: UserTableRow): UserTable["users"][number] {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    role: row.role,
    messagesSent: row.messagesSent,
    lastActiveAt: nullableIsoTime(row.lastActiveAt),
  };
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
