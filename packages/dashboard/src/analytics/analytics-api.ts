// The analytics endpoints' answers as types, and the paths that ask for them.
import { ALL_APPS, type AppsResponse, type Heatmap, type UserTable } from "@rollcall/protocol";
import { type AnalyticsView, rangeParams, tableParams } from "./analytics-view";

export type { ActiveOverTime, AppsResponse, UsersSummary } from "@rollcall/protocol";
/** `:app` value for the whole platform. */
export { ALL_APPS };

export type AppSummary = AppsResponse["apps"][number];
export type HeatmapResponse = Heatmap;
export type UsersTableResponse = UserTable;
export type TableUser = UserTable["users"][number];

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
