// Users analytics API: GET /apps and /apps/:app/analytics/users/{summary,active-over-time,heatmap,table}.
import { z } from "zod";

/** ISO 8601 with `Z` or the zone's offset. */
const isoTime = z.iso.datetime({ offset: true });
const count = z.number().int().min(0);

/** `GET /api/v1/apps` */
export const appsResponseSchema = z.object({
  apps: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      users: count.describe("Users with any activity in the app"),
      lastActivityAt: isoTime.nullable(),
    }),
  ),
  canSeeAll: z.boolean().describe("The viewer may read `_all`, the whole platform"),
});
export type AppsResponse = z.infer<typeof appsResponseSchema>;

/** The period a range is compared with. */
const previousPeriod = { start: isoTime, end: isoTime };

export const usersSummarySchema = z.object({
  currentlyOnline: count.describe("Online or idle now, on a page of the app"),
  active30d: count,
  totalRegistered: count.describe("Users with any activity in this app, ever"),
  activeInRange: count,
  previous: z
    .object({ ...previousPeriod, active30d: count, activeInRange: count })
    .describe("The same counts over the period before, for the cards' change"),
});
export type UsersSummary = z.infer<typeof usersSummarySchema>;

const activePoint = z.object({ start: isoTime, users: count });

export const activeOverTimeSchema = z.object({
  bucket: z.enum(["hour", "day", "week"]),
  points: z.array(activePoint).describe("Every bucket of the range, zeros included"),
  previous: z
    .object({ ...previousPeriod, points: z.array(activePoint) })
    .describe("The period before, bucket by bucket (matched by position)"),
});
export type ActiveOverTime = z.infer<typeof activeOverTimeSchema>;

export const heatmapCellSchema = z.object({
  weekday: z.number().int().min(1).max(7).describe("1 = Monday … 7 = Sunday"),
  hour: z.number().int().min(0).max(23).describe("Local hour"),
  average: z.number().min(0).describe("total ÷ occurrences"),
  total: count,
  occurrences: count.describe("How often this weekday-hour occurs in the range"),
});
export type HeatmapCell = z.infer<typeof heatmapCellSchema>;

export const heatmapSchema = z.object({
  tz: z.string(),
  cells: z.array(heatmapCellSchema).length(168),
});
export type Heatmap = z.infer<typeof heatmapSchema>;

export const userTableSchema = z.object({
  total: count.describe("Rows the filters keep (all pages)"),
  users: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      email: z.string(),
      role: z.string(),
      messagesSent: count,
      lastActiveAt: isoTime
        .nullable()
        .describe("In UTC, whatever the range; null for a user never active in the app"),
    }),
  ),
  roles: z
    .array(z.string())
    .describe("The roles of the users known to the app (the role filter's choices)"),
});
export type UserTable = z.infer<typeof userTableSchema>;
