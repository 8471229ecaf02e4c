// Validates an analytics request into a Query value: scope, resolved range, zone and `now`.
import { ALL_APPS, type Viewer } from "@rollcall/protocol";
import { z } from "zod";
import { AppError, describeIssues } from "../errors/app-error.js";
import type { AppScope, Storage, UserTableMembers, UserTableSort } from "../storage/storage.js";
import {
  type AnalyticsRange,
  RangeInputError,
  type RangeName,
  resolveRange,
} from "./analytics-range.js";

/** The range every analytics request takes. */
export const rangeParamsSchema = z.object({
  range: z
    .enum(["today", "7d", "30d", "custom"])
    .default("7d")
    .describe(
      "today: local midnight to now; 7d, 30d: the last local calendar days, today included",
    ),
  from: z.string().max(10).optional().describe("custom: first local date (YYYY-MM-DD), inclusive"),
  to: z.string().max(10).optional().describe("custom: last local date (YYYY-MM-DD), inclusive"),
  tz: z.string().min(1).max(64).default("UTC").describe("IANA time zone of the viewer"),
});

export interface AnalyticsQuery {
  scope: AppScope;
  range: AnalyticsRange;
  rangeName: RangeName;
  tz: string;
  now: number;
}

/** Who may read which app: owners and admins everything, instructors only their apps. */
export function scopeFor(viewer: Viewer, app: string): AppScope {
  if (app === ALL_APPS) {
    if (viewer.apps !== null) {
      throw new AppError(
        "forbidden",
        "instructors see their own apps only, not the whole platform",
      );
    }
    return { platform: viewer.platform, app: null };
  }
  if (viewer.apps !== null && !viewer.apps.includes(app)) {
    throw new AppError("forbidden", `app "${app.slice(0, 128)}" is not one of yours`);
  }
  return { platform: viewer.platform, app };
}

export function buildAnalyticsQuery(
  viewer: Viewer,
  app: string,
  params: URLSearchParams,
  now: number,
): AnalyticsQuery {
  const scope = scopeFor(viewer, app);
  const parsed = rangeParamsSchema.safeParse(pick(params, Object.keys(rangeParamsSchema.shape)));
  if (!parsed.success)
    throw new AppError("invalid_query", describeIssues(parsed.error.issues, "query"));
  return analyticsQueryFor(scope, parsed.data, now, "invalid_query", "query");
}

/** A time filter: a range name, its dates for `custom`, and the zone. */
export interface TimeFilter {
  range: RangeName;
  from?: string | undefined;
  to?: string | undefined;
  tz: string;
}

/** The query for a scope and a time filter; a bad filter fails with `code`, naming `root.field`. */
export function analyticsQueryFor(
  scope: AppScope,
  filter: TimeFilter,
  now: number,
  code: "invalid_query" | "invalid_body",
  root: string,
): AnalyticsQuery {
  try {
    const range = resolveRange({ ...filter, now });
    return { scope, range, rangeName: filter.range, tz: filter.tz, now };
  } catch (error) {
    if (error instanceof RangeInputError) throw new AppError(code, `${root}.${error.message}`);
    throw error;
  }
}

/** An app is known once someone was active in it: a mistyped id is a 404, not a page of zeros. */
export async function requireKnownApp(
  storage: Pick<Storage, "countKnownUsers">,
  scope: AppScope,
): Promise<void> {
  if (scope.app !== null && (await storage.countKnownUsers(scope)) === 0) {
    throw new AppError(
      "unknown_app",
      `no activity was ever seen in app "${scope.app.slice(0, 128)}"`,
    );
  }
}

/** The user table's own parameters, beside the range. */
export const tableParamsSchema = z.object({
  sort: z.enum(["name", "messagesSent", "lastActiveAt"]).default("name"),
  order: z.enum(["asc", "desc"]).default("asc"),
  q: z.string().max(200).optional().describe("matches name or email, ignoring case and accents"),
  inactiveDays: z.coerce
    .number()
    .int()
    .min(0)
    .max(3650)
    .optional()
    .describe("only users whose last activity in the app is N days or more before now, or never"),
  minMessages: z.coerce
    .number()
    .int()
    .min(0)
    .max(1_000_000_000)
    .default(0)
    .describe("at least this many messages in the range"),
  maxMessages: z.coerce
    .number()
    .int()
    .min(0)
    .max(1_000_000_000)
    .optional()
    .describe("at most this many messages in the range (not below minMessages)"),
  role: z
    .string()
    .max(200)
    .optional()
    .describe("only users of this role: the whole role, ignoring letter case"),
  members: z
    .enum(["active", "all"])
    .default("active")
    .describe(
      "active: users active in the range (as many as activeInRange of the summary); all: every user known to the app (for _all every registered user), to find who never came back",
    ),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});

/** `format` of the answers that also come as CSV (the table, the summary's cards). */
export const formatParamsSchema = z.object({
  format: z
    .enum(["json", "csv"])
    .optional()
    .describe(
      "csv (or Accept: text/csv): the answer as a CSV download, times in tz with its offset",
    ),
});

/** An answer's format: `format` when given, else CSV when the request accepts it, else JSON. */
export function parseFormat(params: URLSearchParams, acceptsCsv: boolean): "json" | "csv" {
  const parsed = formatParamsSchema.safeParse(pick(params, ["format"]));
  if (!parsed.success)
    throw new AppError("invalid_query", describeIssues(parsed.error.issues, "query"));
  return parsed.data.format ?? (acceptsCsv ? "csv" : "json");
}

export interface TableParams {
  sort: UserTableSort;
  order: "asc" | "desc";
  q: string | null;
  inactiveDays: number | null;
  minMessages: number;
  /** null: no upper bound. */
  maxMessages: number | null;
  /** A role, matched whole and ignoring case; null: any role. */
  role: string | null;
  members: UserTableMembers;
  limit: number;
  offset: number;
  format: "json" | "csv";
}

export function parseTableParams(params: URLSearchParams, acceptsCsv: boolean): TableParams {
  const parsed = tableParamsSchema.safeParse(pick(params, Object.keys(tableParamsSchema.shape)));
  if (!parsed.success)
    throw new AppError("invalid_query", describeIssues(parsed.error.issues, "query"));
  const p = parsed.data;
  if (p.maxMessages !== undefined && p.maxMessages < p.minMessages) {
    throw new AppError(
      "invalid_query",
      `query.maxMessages: must be at least minMessages (${p.minMessages})`,
    );
  }
  return {
    sort: p.sort,
    order: p.order,
    q: p.q?.trim() ? p.q.trim() : null,
    inactiveDays: p.inactiveDays ?? null,
    minMessages: p.minMessages,
    maxMessages: p.maxMessages ?? null,
    role: p.role?.trim() ? p.role.trim() : null,
    members: p.members,
    limit: p.limit,
    offset: p.offset,
    format: parseFormat(params, acceptsCsv),
  };
}

function pick(params: URLSearchParams, names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = params.get(name);
    if (value !== null && value !== "") out[name] = value;
  }
  return out;
}
