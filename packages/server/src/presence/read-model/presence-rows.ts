// Builds the Connected users rows and summary from the directory and the engine's views.
import type { PresenceSummary, PresenceUser, UserStatus } from "@rollcall/protocol";
import type { UserRecord } from "../../storage/storage.js";
import { nullableIsoTime } from "../../storage/stored-time.js";
import type { UserPresenceView } from "../engine/types.js";

export function toPresenceUser(
  record: UserRecord,
  view: UserPresenceView | null,
  now: number,
): PresenceUser {
  const status: UserStatus = view?.status ?? "offline";
  const isLive = status !== "offline";
  const sessionStartedAt = isLive ? (view?.sessionStartedAt ?? null) : null;
  const page = isLive ? (view?.currentPage ?? null) : null;
  const lastSeen = isLive ? now : (view?.lastLiveAt ?? record.lastSeenAt);
  return {
    id: record.id,
    name: record.name,
    email: record.email,
    role: record.role,
    status,
    currentPage: page ? { path: page.path, title: page.title, app: page.app ?? null } : null,
    sessionStartedAt: nullableIsoTime(sessionStartedAt),
    activeForSeconds:
      sessionStartedAt === null ? null : Math.max(0, Math.floor((now - sessionStartedAt) / 1000)),
    lastSeenAt: nullableIsoTime(lastSeen),
    connections: isLive ? (view?.connections.filter((c) => c.isLive).length ?? 0) : 0,
  };
}

export function summarize(
  totalUsers: number,
  { online, idle }: { online: number; idle: number },
  avgSessionSeconds: number,
  avgSessionGrowth = 0,
): PresenceSummary {
  return {
    totalUsers,
    online,
    idle,
    offline: Math.max(0, totalUsers - online - idle),
    avgSessionSeconds,
    avgSessionGrowth,
  };
}
