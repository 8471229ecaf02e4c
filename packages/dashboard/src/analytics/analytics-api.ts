// The analytics endpoints' answers as types, and the paths that ask for them.
import { type AnalyticsView, rangeParams, tableParams } from "./analytics-view";
import type { BucketSize } from "./bucket-labels";
import type { HeatmapCell } from "./heatmap-scale";

/** `:app` value for the whole platform. */
export const ALL_APPS = "_all";

export interface AppSummary {
  id: string;
  name: string;
  users: number;
  lastActivityAt: string | null;
}

export interface AppsResponse {
  apps: AppSummary[];
  /** True for owners and admins: they may open `_all`. */
  canSeeAll: boolean;
}

export interface UsersSummary {
  currentlyOnline: number;
  active30d: number;
  totalRegistered: number;
  activeInRange: number;
  /** The same counts over the period before (docs/analytics.md "Change against the period before"). */
  previous: { start: string; end: string; active30d: number; activeInRange: number };
}

export interface ActiveOverTime {
  bucket: BucketSize;
  points: { start: string; users: number }[];
  /** The period before, bucket by bucket, matched to `points` by position. */
  previous: { start: string; end: string; points: { start: string; users: number }[] };
}

export interface HeatmapResponse {
  tz: string;
  cells: HeatmapCell[];
}

export interface TableUser {
  id: string;
  name: string;
  email: string;
  role: string;
  messagesSent: number;
  lastActiveAt: string | null;
}

export interface UsersTableResponse {
  total: number;
  users: TableUser[];
  /** The roles of the app's users, whatever the filters: the role filter's choices. */
  roles: string[];
}

export const APPS_PATH = "/api/v1/apps";

type UsersEndpoint = "summary" | "active-over-time" | "heatmap" | "table";

function usersPath(app: string, endpoint: UsersEndpoint, params: URLSearchParams): string {
  return `/api/v1/apps/${encodeURIComponent(app)}/analytics/users/${endpoint}?${params.toString()}`;
}

function withCsv(params: URLSearchParams): URLSearchParams {
  const copy = new URLSearchParams(params);
  copy.set("format", "csv");
  return copy;
}

/** The paths of the page's four requests for `view`, and of its two CSV downloads. */
export function analyticsPaths(app: string, view: AnalyticsView) {
  const range = rangeParams(view);
  return {
    summary: usersPath(app, "summary", range),
    summaryCsv: usersPath(app, "summary", withCsv(range)),
    activeOverTime: usersPath(app, "active-over-time", range),
    heatmap: usersPath(app, "heatmap", range),
    table: usersPath(app, "table", tableParams(view)),
    csv: usersPath(app, "table", tableParams(view, "csv")),
  };
}

/** What the page calls an app: "All apps" for the whole platform, else its name. */
export function appTitle(app: string, name?: string): string {
  return app === ALL_APPS ? "All apps" : name || app;
}
