// The page a share link opens: one app's Users report for the link's range and zone, read-only, no session.
import { useCallback, useState } from "react";
import { AccessHeatmap } from "../analytics/access-heatmap";
import { ActiveUsersChart } from "../analytics/active-users-chart";
import {
  type ActiveOverTime,
  ALL_APPS,
  appTitle,
  type HeatmapResponse,
  type UsersSummary,
  type UsersTableResponse,
} from "../analytics/analytics-api";
import { type AnalyticsView, type TableView, withTable } from "../analytics/analytics-view";
import type { PanelStatus } from "../analytics/panel-parts";
import { pngFileName } from "../analytics/png-export";
import {
  describePrevious,
  describeRange,
  describeRangeDates,
  includesToday,
} from "../analytics/range-label";
import { ToplineCards } from "../analytics/topline-cards";
import { type ApiData, useApiData } from "../analytics/use-api-data";
import { UsersTablePanel } from "../analytics/users-table-panel";
import { formatZonedDateTime, readZoned } from "../analytics/zoned-date";
import { ThemeButton } from "../ui/theme-button";
import { type SharedReport, sharedPaths, viewOf } from "./share-api";
import { ShareFailedPage } from "./share-failed-page";
import "../app/app.css";
import "../analytics/analytics.css";
import "./share.css";

export function SharedReportPage({ token, failure }: { token: string; failure: string | null }) {
  const report = useApiData<SharedReport>(failure ? null : `/api/v1/share/${token}`);
  if (failure) return <ShareFailedPage failure={failure} />;
  if (report.error) return <ShareFailedPage failure={report.error.code} onRetry={report.retry} />;
  if (!report.data) {
    return (
      <div className="app-loading" role="status">
        <span className="spinner" aria-hidden="true" /> Loading the shared report…
      </div>
    );
  }
  const today = readZoned(Date.now(), report.data.tz).date;
  return (
    <SharedReportView token={token} report={report.data} initial={viewOf(report.data, today)} />
  );
}

function SharedReportView({
  token,
  report,
  initial,
}: {
  token: string;
  report: SharedReport;
  initial: AnalyticsView;
}) {
  const [view, setView] = useState(initial);
  const paths = sharedPaths(token, view);
  const summary = useApiData<UsersSummary>(paths.summary);
  const activity = useApiData<ActiveOverTime>(paths.activeOverTime);
  const heatmap = useApiData<HeatmapResponse>(paths.heatmap);
  const table = useApiData<UsersTableResponse>(report.includeTable ? paths.table : null);
  const failed = [summary, activity, heatmap, table].filter((data) => data.error !== null);
  const retryFailed = () => {
    for (const data of failed) data.retry();
  };
  const changeTable = useCallback(
    (change: Partial<TableView>) => setView((current) => withTable(current, change)),
    [],
  );
  const gone = failed.find((data) => data.error?.status === 410 || data.error?.status === 404);
  if (gone?.error) return <ShareFailedPage failure={gone.error.code} />;

  const { app } = report;
  const title = appTitle(app);
  const today = readZoned(Date.now(), view.tz).date;
  const rangeDates = describeRangeDates(view, today);
  const rangeText = view.range === "custom" ? rangeDates : `${describeRange(view)} (${rangeDates})`;
  const statusOf = (data: ApiData<unknown>): PanelStatus => ({
    isLoading: data.isLoading,
    error: data.error,
    onRetry: retryFailed,
    blockedBy: null,
    isPastRange: !includesToday(view, today),
  });
  const exportSubtitle = `${title} · ${rangeDates} · ${view.tz}`;

  return (
    <div className="app-shell">
      <header className="shared-bar">
        <span className="shared-brand">
          <span className="brand-mark" aria-hidden="true" />
          Rollcall
          <span className="shared-badge">Shared report</span>
        </span>
        <ThemeButton />
      </header>
      <main className="app-main">
        <div className="analytics-page" data-testid="shared-report">
          <div className="page-head">
            <div>
              <div className="analytics-title">
                <h1>{title}</h1>
              </div>
              <p className="shared-meta" data-testid="shared-range">
                Users · {rangeText} · {view.tz}
                {report.label ? ` · ${report.label}` : ""}
              </p>
            </div>
          </div>
          <div className="analytics-body">
            <ToplineCards
              summary={summary.data}
              rangeLabel={describeRange(view)}
              previousLabel={describePrevious(view)}
              isLoading={summary.isLoading}
              isBlocked={summary.error !== null}
              isWholePlatform={app === ALL_APPS}
              csvPath={paths.summaryCsv}
              tz={view.tz}
            />
            <ActiveUsersChart
              data={activity.data}
              status={statusOf(activity)}
              scopeText={app === ALL_APPS ? "on the platform" : "in this app"}
              previousLabel={describePrevious(view)}
              exportTitle={`Active users over time — ${title}`}
              exportSubtitle={exportSubtitle}
              fileName={pngFileName("active-users", app, view.range)}
            />
            <AccessHeatmap
              data={heatmap.data}
              status={statusOf(heatmap)}
              tz={view.tz}
              isCurrent={includesToday(view, today)}
              exportTitle={`Access times — ${title}`}
              exportSubtitle={`${exportSubtitle} · average distinct active users per weekday-hour`}
              fileName={pngFileName("access-times", app, view.range)}
            />
            {report.includeTable ? (
              <UsersTablePanel
                app={app}
                view={view}
                data={table.data}
                status={statusOf(table)}
                csvPath={paths.csv}
                onChange={changeTable}
              />
            ) : null}
          </div>
          <p className="shared-footer" data-testid="shared-footer">
            Shared report · read-only · expires {formatZonedDateTime(report.expiresAt, view.tz)} (
            {view.tz})
          </p>
        </div>
      </main>
    </div>
  );
}
