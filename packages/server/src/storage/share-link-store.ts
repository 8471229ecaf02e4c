// Share links as stored: one app's Users report, readable without a session until expired or revoked.
import type { ShareRangeName } from "@rollcall/protocol";
import type { Row } from "./storage-rows.js";

export interface ShareLinkRecord {
  /** Random (128 bits, base64url); the token names it. */
  id: string;
  platform: string;
  /** The app id as the API names it (`_all` for the whole platform). */
  app: string;
  range: ShareRangeName;
  /** `YYYY-MM-DD`, for the `custom` range only. */
  from: string | null;
  to: string | null;
  tz: string;
  includeTable: boolean;
  label: string | null;
  createdBy: { id: string; name: string };
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
}

/** The share links every node reads: a revocation holds on all of them at once. */
export interface ShareLinkStore {
  create(link: ShareLinkRecord): Promise<void>;
  /** Any link, revoked or expired ones too (so the page can say which). */
  get(id: string): Promise<ShareLinkRecord | null>;
  /** The app's links still open at `now` (neither revoked nor expired), newest first. */
  listLive(platform: string, app: string, now: number): Promise<ShareLinkRecord[]>;
  /** Revokes a link of the app that is not revoked yet; false when there is none. */
  revoke(platform: string, app: string, id: string, at: number): Promise<boolean>;
}

/** Columns in the order both adapters insert them. */
export const SHARE_LINK_COLUMNS = [
  "id",
  "platform_id",
  "app",
  "range_name",
  "range_from",
  "range_to",
  "tz",
  "include_table",
  "label",
  "created_by",
  "created_by_name",
  "created_at",
  "expires_at",
  "revoked_at",
] as const;

export function shareLinkValues(link: ShareLinkRecord): unknown[] {
  return [
    link.id,
    link.platform,
    link.app,
    link.range,
    link.from,
    link.to,
    link.tz,
    link.includeTable ? 1 : 0,
    link.label,
    link.createdBy.id,
    link.createdBy.name,
    link.createdAt,
    link.expiresAt,
    link.revokedAt,
  ];
}

export function toShareLink(row: Row): ShareLinkRecord {
  return {
    id: String(row.id),
    platform: String(row.platform_id),
    app: String(row.app),
    range: String(row.range_name) as ShareRangeName,
    from: row.range_from === null ? null : String(row.range_from),
    to: row.range_to === null ? null : String(row.range_to),
    tz: String(row.tz),
    includeTable: Number(row.include_table) === 1,
    label: row.label === null ? null : String(row.label),
    createdBy: { id: String(row.created_by), name: String(row.created_by_name) },
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
  };
}
