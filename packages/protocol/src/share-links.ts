// Share links: the request that makes one, what the API says of one, and their limits.
import { z } from "zod";

/** The audience of a share link's token: never accepted as a viewer or user token. */
export const SHARE_AUDIENCE = "rollcall:share";

export const SHARE_LINK_LIMITS = {
  /** A link lives at least this long… */
  minLifetimeMs: 5 * 60_000,
  /** …and at most this long (90 days). */
  maxLifetimeMs: 90 * 86_400_000,
  /** Links of one app that are neither expired nor revoked. */
  liveLinksPerApp: 100,
  labelLength: 120,
  /** A share token is ~250 characters; anything longer is refused before any work. */
  tokenLength: 1024,
} as const;

export const shareRangeNames = ["today", "7d", "30d", "custom"] as const;
export type ShareRangeName = (typeof shareRangeNames)[number];

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a date as YYYY-MM-DD");

/** POST /api/v1/apps/:app/share-links: the report's range and zone, and how long the link lives. */
export const shareLinkRequestSchema = z
  .object({
    range: z.enum(shareRangeNames),
    from: isoDate.optional(),
    to: isoDate.optional(),
    tz: z.string().min(1).max(64),
    /** Names and emails become visible to whoever holds the link. */
    includeTable: z.boolean().default(false),
    /** ISO 8601 instant. */
    expiresAt: z.iso.datetime({ offset: true }),
    label: z.string().trim().max(SHARE_LINK_LIMITS.labelLength).optional(),
  })
  .strict();
export type ShareLinkRequest = z.input<typeof shareLinkRequestSchema>;

/** The report a link shows: one app's Users report, its range (a preset or fixed dates) and zone. */
export interface SharedReport {
  app: string;
  range: ShareRangeName;
  /** `YYYY-MM-DD`, for `custom` only. */
  from: string | null;
  to: string | null;
  tz: string;
  includeTable: boolean;
  label: string | null;
  /** ISO 8601. */
  expiresAt: string;
}

/** A link as its managers see it (GET and POST under /apps/:app/share-links). */
export interface ShareLinkInfo extends SharedReport {
  id: string;
  createdAt: string;
  createdBy: { id: string; name: string };
  /** Path of the shared page, `/share/<token>`: the link itself. */
  path: string;
}
