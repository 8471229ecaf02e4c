// Rows as both SQL adapters return them (same column names) turned into records.
import type { PageVisitRecord, PlatformRecord, SessionRecord, UserRecord } from "./storage.js";

export type Row = Record<string, unknown>;

/** The app column stores '' for "no app" so it can be part of a primary key. */
export const NO_APP = "";

export function nullableNumber(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

/** An app column: '' and null both mean no app. */
export function nullableApp(value: unknown): string | null {
  return value === null || value === undefined || value === NO_APP ? null : String(value);
}

export function toPlatform(row: Row): PlatformRecord {
  return {
    id: String(row.id),
    name: String(row.name),
    secrets: JSON.parse(String(row.secrets)) as string[],
    createdAt: Number(row.created_at),
  };
}

export function toUser(row: Row): UserRecord {
  return {
    platform: String(row.platform_id),
    id: String(row.id),
    name: String(row.name),
    email: String(row.email),
    role: String(row.role),
    createdAt: Number(row.created_at),
    lastSeenAt: nullableNumber(row.last_seen_at),
  };
}

export function toSession(row: Row): SessionRecord {
  return {
    platform: String(row.platform_id),
    user: String(row.user_id),
    startedAt: Number(row.started_at),
    endedAt: nullableNumber(row.ended_at),
    lastLiveAt: Number(row.last_live_at),
  };
}

export function toPageVisit(row: Row): PageVisitRecord {
  return {
    platform: String(row.platform_id),
    user: String(row.user_id),
    tab: String(row.tab),
    page: { path: String(row.path), title: String(row.title), app: nullableApp(row.app) },
    startedAt: Number(row.started_at),
    endedAt: nullableNumber(row.ended_at),
  };
}
