// Connected users API: GET /api/v1/presence, its stream, and the user detail.
import { z } from "zod";

/** ISO 8601 with `Z` or an offset. */
const isoTime = z.iso.datetime({ offset: true });

export const userStatusSchema = z.enum(["online", "idle", "offline"]);
export type UserStatus = z.infer<typeof userStatusSchema>;

export const currentPageSchema = z.object({
  path: z.string(),
  title: z.string(),
  app: z.string().nullable(),
});
export type CurrentPage = z.infer<typeof currentPageSchema>;

/** One platform user as the Connected users page shows them. */
export const presenceUserSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  role: z.string(),
  status: userStatusSchema,
  currentPage: currentPageSchema.nullable(),
  sessionStartedAt: isoTime.nullable().describe("null when no session is open"),
  activeForSeconds: z.number().int().nullable(),
  lastSeenAt: isoTime
    .nullable()
    .describe("Last moment a connection of theirs was live; null if never seen"),
  connections: z.number().int().min(0),
});
export type PresenceUser = z.infer<typeof presenceUserSchema>;

export const presenceSummarySchema = z.object({
  totalUsers: z.number().int().min(0).describe("Registered platform users"),
  online: z
    .number()
    .int()
    .min(0)
    .describe("Status online only; the Online now card shows online + idle"),
  idle: z.number().int().min(0),
  offline: z.number().int().min(0),
  avgSessionSeconds: z
    .number()
    .int()
    .min(0)
    .describe(
      "Mean duration of the sessions that overlap the last 24 hours, ongoing ones counted up to now",
    ),
  avgSessionGrowth: z
    .number()
    .min(0)
    .optional()
    .describe(
      "Seconds avgSessionSeconds gains per second while nobody comes or goes (ongoing sessions ÷ sessions counted), so a dashboard can keep the number current between updates",
    ),
});
export type PresenceSummary = z.infer<typeof presenceSummarySchema>;

export type PresenceSort = "status" | "name" | "email" | "role" | "page" | "activeFor";

/** `GET /api/v1/presence` */
export const presenceResponseSchema = z.object({
  updatedAt: isoTime,
  summary: presenceSummarySchema,
  users: z.array(presenceUserSchema),
  matched: z.number().int().min(0).describe("Users matching the filters (all pages)"),
  nextCursor: z.string().nullable(),
});
export type PresenceResponse = z.infer<typeof presenceResponseSchema>;

/** SSE `snapshot` event of `GET /api/v1/presence/stream`: every user. */
export const presenceSnapshotEventSchema = z.object({
  updatedAt: isoTime,
  seq: z.number().int().describe("Increases by one per change event; a gap means a diff was lost"),
  summary: presenceSummarySchema,
  users: z.array(presenceUserSchema),
});
export type PresenceSnapshotEvent = z.infer<typeof presenceSnapshotEventSchema>;

/** SSE `change` event: users whose row changed since the previous event (coalesced). */
export const presenceChangeEventSchema = z.object({
  updatedAt: isoTime,
  seq: z.number().int(),
  summary: presenceSummarySchema,
  upserts: z.array(presenceUserSchema),
  removes: z.array(z.string()).describe("Ids of users erased from the platform"),
});
export type PresenceChangeEvent = z.infer<typeof presenceChangeEventSchema>;

export const connectionDetailSchema = z.object({
  id: z.string(),
  transport: z.enum(["ws", "http"]),
  status: z.enum(["active", "idle"]),
  isVisible: z.boolean(),
  page: currentPageSchema.nullable(),
  device: z.object({
    ua: z.string().nullable(),
    browser: z.string().nullable(),
    os: z.string().nullable(),
  }),
  openedAt: isoTime,
  lastSeenAt: isoTime,
});
export type ConnectionDetail = z.infer<typeof connectionDetailSchema>;

export const sessionDetailSchema = z.object({
  startedAt: isoTime,
  endedAt: isoTime.nullable().describe("null while ongoing"),
  seconds: z.number().int().min(0),
});
export type SessionDetail = z.infer<typeof sessionDetailSchema>;

export const pageVisitDetailSchema = z.object({
  path: z.string(),
  title: z.string(),
  app: z.string().nullable(),
  startedAt: isoTime,
  endedAt: isoTime.nullable(),
});
export type PageVisitDetail = z.infer<typeof pageVisitDetailSchema>;

/** `GET /api/v1/presence/users/:id` */
export const userDetailResponseSchema = z.object({
  user: presenceUserSchema,
  connections: z.array(connectionDetailSchema),
  sessionsToday: z.array(sessionDetailSchema),
  recentPages: z.array(pageVisitDetailSchema),
});
export type UserDetailResponse = z.infer<typeof userDetailResponseSchema>;
