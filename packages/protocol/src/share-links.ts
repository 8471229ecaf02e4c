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

/** ISO 8601 with `Z` or the zone's offset. */
const isoTime = z.iso.datetime({ offset: true });

/** The report a link shows: one app's Users report, its range (a preset or fixed dates) and zone. */
export const sharedReportSchema = z.object({
  app: z.string(),
  range: z.enum(shareRangeNames),
  from: isoDate.nullable().describe("`YYYY-MM-DD`, for `custom` only"),
  to: isoDate.nullable().describe("`YYYY-MM-DD`, for `custom` only"),
  tz: z.string(),
  includeTable: z.boolean().describe("The holder may read the user table (names, emails)"),
  label: z.string().nullable(),
  expiresAt: isoTime,
});
export type SharedReport = z.infer<typeof sharedReportSchema>;

/** A link as its managers see it (GET and POST under /apps/:app/share-links). */
export const shareLinkInfoSchema = sharedReportSchema.extend({
  id: z.string(),
  createdAt: isoTime,
  createdBy: z.object({ id: z.string(), name: z.string() }),
  path: z.string().describe("Path of the shared page, `/share/<token>`: the link itself"),
});
export type ShareLinkInfo = z.infer<typeof shareLinkInfoSchema>;

/** GET /api/v1/apps/:app/share-links: the app's open links. */
export const shareLinkListSchema = z.object({ links: z.array(shareLinkInfoSchema) });
export type ShareLinkList = z.infer<typeof shareLinkListSchema>;
