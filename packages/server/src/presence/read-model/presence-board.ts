// The Connected users read model: rows, summary and user detail from directory, engine and storage.
import {
  type ConnectionDetail,
  type PresenceSummary,
  type PresenceUser,
  sortPresenceUsers,
  type UserDetailResponse,
} from "@rollcall/protocol";
import { localDateOf, startOfLocalDay } from "../../analytics/zoned-time.js";
import type { Storage, UserRecord } from "../../storage/storage.js";
import { isoTime, nullableIsoTime } from "../../storage/stored-time.js";
import type { UserDirectory } from "../../users/user-directory.js";
import type { ConnectionView } from "../engine/types.js";
import type { PresenceService } from "../presence-service.js";
import { describeDevice } from "./device.js";
import { LiveBriefs } from "./live-briefs.js";
import { NameOrder } from "./name-order.js";
import { isGroupable, queryPresenceByGroups } from "./presence-page.js";
import {
  matchesQuery,
  type PresenceEntry,
  type PresenceQuery,
  queryPresence,
} from "./presence-query.js";
import { summarize, toPresenceUser } from "./presence-rows.js";
import { type SessionAverageSnapshot, sessionAverageAt } from "./session-average.js";

const DAY_MS = 86_400_000;
const AVG_FRESH_MS = 5_000;
/** After a session starts or ends, the average is read again, but not more often than this. */
const AVG_SOONEST_MS = 1_000;
/**
 * ...and only while fewer sessions than this are counted, where one session moves the mean. A
 * platform with many has sessions coming and going all the time: its 5 s reads stay cheap and
 * close enough.
 */
const AVG_EARLY_READ_MAX_SESSIONS = 100;

export class PresenceBoard {
  private readonly avgCache = new Map<string, SessionAverageSnapshot>();
  private readonly avgLoading = new Map<string, Promise<void>>();
  /** Platforms where a session started or ended since their average was read. */
  private readonly avgOutdated = new Set<string>();
  private readonly entryCache = new WeakMap<UserRecord, PresenceEntry>();
  private readonly nameOrder: NameOrder;
  private readonly briefs: LiveBriefs;

  constructor(
    private readonly presence: PresenceService,
    private readonly directory: UserDirectory,
    private readonly storage: Storage,
  ) {
    this.briefs = new LiveBriefs(presence, directory);
    this.briefs.onSessionChange((platform) => this.avgOutdated.add(platform));
    this.nameOrder = new NameOrder(directory);
  }

  row(platform: string, user: string): PresenceUser | null {
    const record = this.directory.get(platform, user);
    if (!record) return null;
    return toPresenceUser(record, this.presence.view(platform, user), this.presence.now());
  }

  /**
   * Every registered user with the engine's brief, cheap: connection details are read only for
   * the rows of a page (toRow). Entry objects are kept per record and updated in place; a page
   * is cut synchronously from them, before anything else can run.
   */
  entries(platform: string): PresenceEntry[] {
    const briefs = this.briefs.of(platform);
    const entries: PresenceEntry[] = [];
    for (const record of this.directory.list(platform)) {
      let entry = this.entryCache.get(record);
      if (!entry) {
        entry = { record, view: null };
        this.entryCache.set(record, entry);
      }
      entry.view = briefs.get(record.id) ?? null;
      entries.push(entry);
    }
    return entries;
  }

  /** One page of GET /presence (filters, sort, cursor). */
  query(
    platform: string,
    query: PresenceQuery,
  ): { users: PresenceUser[]; matched: number; nextCursor: string | null } {
    if (!isGroupable(query)) return queryPresence(this.entries(platform), query, this.toRow);
    return queryPresenceByGroups(
      {
        byName: this.nameOrder.of(platform),
        briefs: this.briefs.of(platform),
        recordOf: (id) => this.directory.get(platform, id),
        counts: this.briefs.counts(platform),
      },
      query,
      this.toRow,
    );
  }

  /**
   * Every row the filters keep (the CSV export): no page, no cursor, in the order the Connected
   * users page shows for the same sort, ties included (presence-order.ts in @rollcall/protocol).
   */
  queryAll(platform: string, query: PresenceQuery): PresenceUser[] {
    const rows = this.entries(platform)
      .filter((entry) => matchesQuery(entry, query))
      .map(this.toRow);
    return sortPresenceUsers(rows, query.sort, query.order);
  }

  /** A page's row: connection details from the engine; status, page and session from the brief
   * the page was sorted by, so rows, counts and order agree. */
  toRow = (entry: PresenceEntry): PresenceUser => {
    const brief = entry.view;
    const view = brief && this.presence.view(entry.record.platform, entry.record.id);
    return toPresenceUser(
      entry.record,
      view && {
        ...view,
        status: brief.status,
        currentPage: brief.currentPage,
        sessionStartedAt: brief.sessionStartedAt,
      },
      this.presence.now(),
    );
  };

  /** Every registered user's id, in no particular order: rows to be built a slice at a time. */
  userIds(platform: string): string[] {
    const ids: string[] = [];
    for (const record of this.directory.list(platform)) ids.push(record.id);
    return ids;
  }

  /** The summary cards; the average session is refreshed in the background every few seconds. */
  summary(platform: string): PresenceSummary {
    const cached = this.avgCache.get(platform);
    if (this.isAverageStale(platform, AVG_SOONEST_MS)) void this.refreshAverage(platform);
    // Kept counted as users change: the live feed asks every 250 ms. The average is carried to
    // now (ongoing sessions keep growing between reads), and says how fast it grows.
    const average = cached
      ? sessionAverageAt(cached, this.presence.now())
      : { seconds: 0, growth: 0 };
    return summarize(
      this.directory.count(platform),
      this.briefs.counts(platform),
      average.seconds,
      average.growth,
    );
  }

  /** Registered users, and how many are online and idle: the summary's counts, for /metrics. */
  userCounts(platform: string): { total: number; online: number; idle: number } {
    return { total: this.directory.count(platform), ...this.briefs.counts(platform) };
  }

  /** Like summary(), but waits for an average that counts every session started or ended. */
  async freshSummary(platform: string): Promise<PresenceSummary> {
    if (this.isAverageStale(platform, 0)) await this.refreshAverage(platform);
    return this.summary(platform);
  }

  /**
   * True while the average summary() gives may be about to change by more than its growth: it
   * is being read again, or sessions started or ended since it was. The live feed then owes its
   * dashboards a corrected summary.
   */
  isAverageSettling(platform: string): boolean {
    return this.avgLoading.has(platform) || this.isAverageOutdated(platform);
  }

  private isAverageOutdated(platform: string): boolean {
    const cached = this.avgCache.get(platform);
    return (
      this.avgOutdated.has(platform) &&
      (cached === undefined || cached.count < AVG_EARLY_READ_MAX_SESSIONS)
    );
  }

  private isAverageStale(platform: string, soonestMs: number): boolean {
    const cached = this.avgCache.get(platform);
    if (!cached) return true;
    const age = this.presence.now() - cached.at;
    return age > AVG_FRESH_MS || (this.isAverageOutdated(platform) && age >= soonestMs);
  }

  /** One user's detail; "today" is the local day of `tz` (an IANA zone the caller checked). */
  async detail(platform: string, user: string, tz = "UTC"): Promise<UserDetailResponse | null> {
    const row = this.row(platform, user);
    if (!row) return null;
    const now = this.presence.now();
    const view = this.presence.view(platform, user);
    const today = localDateOf(tz, now);
    const midnight = startOfLocalDay(tz, today.year, today.month, today.day);
    const [sessions, visits] = await Promise.all([
      this.storage.userSessionsBetween(platform, user, midnight, now + 1),
      this.storage.userRecentVisits(platform, user, 30),
    ]);
    const openStart = row.sessionStartedAt === null ? null : Date.parse(row.sessionStartedAt);
    return {
      user: row,
      connections: (view?.connections ?? []).filter((c) => c.isLive).map(toConnectionDetail),
      sessionsToday: sessions.map((s) => {
        const isOngoing = s.endedAt === null && s.startedAt === openStart;
        const end = s.endedAt ?? (isOngoing ? now : s.lastLiveAt);
        return {
          startedAt: isoTime(s.startedAt),
          endedAt: isOngoing ? null : isoTime(end),
          seconds: Math.round((end - s.startedAt) / 1000),
        };
      }),
      recentPages: visits.map((v) => ({
        path: v.page.path,
        title: v.page.title,
        app: v.page.app ?? null,
        startedAt: isoTime(v.startedAt),
        endedAt: nullableIsoTime(v.endedAt),
      })),
    };
  }

  private refreshAverage(platform: string): Promise<void> {
    const loading = this.avgLoading.get(platform);
    if (loading) return loading;
    const now = this.presence.now();
    // A session that starts or ends while this reads marks the platform again.
    this.avgOutdated.delete(platform);
    const job = this.storage
      .sessionsEndedSince(platform, now - DAY_MS)
      .then((ended) => {
        let total = 0;
        let count = 0;
        let growing = 0;
        for (const s of ended) {
          total += (s.endedAt ?? s.lastLiveAt) - s.startedAt;
          count++;
        }
        // From the briefs, not every node's open sessions: the platform's own, with no new object
        // each. Ongoing sessions count up to now; one waiting out its grace up to its last live
        // moment.
        for (const brief of this.briefs.of(platform).values()) {
          if (brief.sessionStartedAt === null) continue;
          const end =
            brief.status === "offline"
              ? (this.presence.view(platform, brief.user)?.lastLiveAt ?? now)
              : now;
          total += end - brief.sessionStartedAt;
          count++;
          if (brief.status !== "offline") growing++;
        }
        this.avgCache.set(platform, { totalMs: total, count, growing, at: now });
      })
      // Storage down: the live board goes on with the last average, tried again when it is stale.
      .catch(() => {
        const last = this.avgCache.get(platform);
        this.avgCache.set(
          platform,
          last
            ? { ...last, totalMs: last.totalMs + last.growing * (now - last.at), at: now }
            : { totalMs: 0, count: 0, growing: 0, at: now },
        );
      })
      .finally(() => this.avgLoading.delete(platform));
    this.avgLoading.set(platform, job);
    return job;
  }
}

function toConnectionDetail(c: ConnectionView): ConnectionDetail {
  return {
    id: c.tab,
    transport: c.transport,
    status: c.isIdle ? "idle" : "active",
    isVisible: c.isVisible,
    page: { path: c.page.path, title: c.page.title, app: c.page.app ?? null },
    device: describeDevice(c.device?.ua ?? null),
    openedAt: new Date(c.openedAt).toISOString(),
    lastSeenAt: new Date(c.lastSeenAt).toISOString(),
  };
}
