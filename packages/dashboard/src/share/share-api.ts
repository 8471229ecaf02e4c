// Share links as the dashboard asks for them: managing an app's links, and a link holder's report.
import type { SharedReport, ShareLinkInfo, ShareLinkRequest } from "@rollcall/protocol";
import { type AnalyticsView, parseView, tableParams } from "../analytics/analytics-view";
import { apiDelete, apiPostJson } from "../api/api-client";

export type { SharedReport, ShareLinkInfo };

export function shareLinksPath(app: string): string {
  return `/api/v1/apps/${encodeURIComponent(app)}/share-links`;
}

export function createShareLink(app: string, request: ShareLinkRequest): Promise<ShareLinkInfo> {
  return apiPostJson<ShareLinkInfo>(shareLinksPath(app), request);
}

export function revokeShareLink(app: string, id: string): Promise<void> {
  return apiDelete(`${shareLinksPath(app)}/${encodeURIComponent(id)}`);
}

/** The full address of a link, to copy and send. */
export function shareUrl(link: Pick<ShareLinkInfo, "path">): string {
  return new URL(link.path, window.location.origin).toString();
}

/** The token in `/share/<token>`, or null for any other path. */
export function shareToken(path: string): string | null {
  const match = /^\/share\/([\w.-]+)\/?$/.exec(path);
  return match ? match[1]! : null;
}

/** The paths a link's holder asks (the range and zone are the link's; the server ignores others). */
export function sharedPaths(token: string, view: AnalyticsView) {
  const base = `/api/v1/share/${token}`;
  return {
    report: base,
    summary: `${base}/summary`,
    summaryCsv: `${base}/summary?format=csv`,
    activeOverTime: `${base}/active-over-time`,
    heatmap: `${base}/heatmap`,
    table: `${base}/table?${tableParams(view).toString()}`,
    csv: `${base}/table?${tableParams(view, "csv").toString()}`,
  };
}

/** The page's view of a shared report: its range and zone, the table as it starts. */
export function viewOf(report: SharedReport, today: string): AnalyticsView {
  const view = parseView(new URLSearchParams(), { tz: report.tz, today });
  return {
    ...view,
    range: report.range,
    from: report.from ?? view.from,
    to: report.to ?? view.to,
    tz: report.tz,
  };
}
