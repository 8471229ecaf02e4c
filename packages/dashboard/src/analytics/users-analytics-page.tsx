// Analytics → Users for one app (or `_all`): range and zone, headline counts, charts and the table.
import { useCallback } from "react";
import { Link, navigate } from "../app/router";
import { ShareButton } from "../share/share-button";
import { PageMessage } from "../ui/page-message";
import { AccessHeatmap } from "./access-heatmap";
import { ActiveUsersChart } from "./active-users-chart";
import {
  type ActiveOverTime,
  ALL_APPS,
  APPS_PATH,
  type AppsResponse,
  analyticsPaths,
  appTitle,
  type HeatmapResponse,
  type UsersSummary,
  type UsersTableResponse,
} from "./analytics-api";
import { customRangeProblem, type TableView, viewToSearch, withTable } from "./analytics-view";
import { CopyLinkButton } from "./copy-link-button";
import { PanelError, type PanelStatus } from "./panel-parts";
import { pngFileName } from "./png-export";
import { PrintReportButton, ReportHeading } from "./print-report";
import { RangeControls } from "./range-controls";
import { describePrevious, describeRange, describeRangeDates, includesToday } from "./range-label";
import { ToplineCards } from "./topline-cards";
import { useAnalyticsView } from "./use-analytics-view";
import { type ApiData, useApiData } from "./use-api-data";
import { UsersTablePanel } from "./users-table-panel";
import { readZoned } from "./zoned-date";
import "./analytics.css";

export function UsersAnalyticsPage({ app }: { app: string }) {
  const [view, setView] = useAnalyticsView();
  const rangeProblem = view.range === "custom" ? customRangeProblem(view.from, view.to) : null;
  const isAskable = rangeProblem === null;
  const paths = analyticsPaths(app, view);
  const summary = useApiData<UsersSummary>(isAskable ? paths.summary : null);
  const activity = useApiData<ActiveOverTime>(isAskable ? paths.activeOverTime : null);
  const heatmap = useApiData<HeatmapResponse>(isAskable ? paths.heatmap : null);
  const table = useApiData<UsersTableResponse>(isAskable ? paths.table : null);
  const apps = useApiData<AppsResponse>(APPS_PATH);
  // One outage fails every request: any Try again asks each failed one again.
  const failed = [summary, activity, heatmap, table].filter((data) => data.error !== null);
  const retryFailed = () => {
    for (const data of failed) data.retry();
  };

  const changeTable = useCallback(
    (change: Partial<TableView>) => setView(withTable(view, change)),
    [view, setView],
  );

  const name = apps.data?.apps.find((candidate) => candidate.id === app)?.name;
  const title = appTitle(app, name);
  const rangeText = describeRange(view);
  const isCurrent = includesToday(view, readZoned(Date.now(), view.tz).date);
  // Numbers on screen while the range cannot be asked are the previous range's: dimmed, and said so.
  const statusOf = (data: ApiData<unknown>): PanelStatus => ({
    isLoading: data.isLoading,
    error: data.error,
    onRetry: retryFailed,
    blockedBy: rangeProblem,
    isPastRange: !isCurrent,
  });
  // What leaves the page names its days, not only "Past 7 days".
  const rangeDates = describeRangeDates(view, readZoned(Date.now(), view.tz).date);
  const exportSubtitle = `${title} · ${rangeDates} · ${view.tz}`;

  if (summary.error?.code === "unknown_app") {
    return (
      <div className="analytics-page">
        <PageMessage
          tone="error"
          title="No such app"
          action={<Link to="/analytics">See the apps with activity</Link>}
        >
          <span data-testid="unknown-app">
            Rollcall has never seen any activity in an app called <code>{app}</code> on this
            platform. Check the address, or pick an app from the list. An app appears once a page or
            an event tagged with it comes in.
          </span>
        </PageMessage>
      </div>
    );
  }

  if (summary.error?.status === 403) {
    return (
      <div className="analytics-page">
        <PageMessage
          tone="error"
          title="This app is not one of yours"
          action={<Link to="/analytics">See your apps</Link>}
        >
          {summary.error.message}. Instructors see the apps their platform assigned to them; ask an
          owner or admin if you need this one.
        </PageMessage>
      </div>
    );
  }

  return (
    <div className="analytics-page">
      <ReportHeading title={title} rangeName={rangeText} rangeDates={rangeDates} tz={view.tz} />
      <div className="page-head">
        <div>
          <nav className="breadcrumbs" aria-label="Breadcrumb">
            <Link to="/analytics">Analytics</Link>
            <span aria-hidden="true">/</span>
            <span>Users</span>
          </nav>
          <div className="analytics-title">
            <h1>{title}</h1>
            <AppSwitcher app={app} apps={apps.data} search={viewToSearch(view)} />
          </div>
        </div>
        <div className="analytics-actions">
          <PrintReportButton />
          <CopyLinkButton />
          <ShareButton
            app={app}
            title={title}
            view={view}
            rangeText={view.range === "custom" ? rangeDates : `${rangeText} (${rangeDates})`}
            isDisabled={!isAskable}
          />
        </div>
      </div>

      <div className="analytics-toolbar">
        <RangeControls view={view} onChange={setView} />
      </div>

      {rangeProblem ? (
        <div className="alert alert-error range-alert" role="alert" data-testid="range-error">
          <span>
            <strong>This range can't be shown.</strong> {rangeProblem}{" "}
            {summary.data
              ? "The dimmed numbers below are from the range shown before."
              : "Fix the dates above to see the numbers."}
          </span>
        </div>
      ) : null}

      {/* Inert while stale: the previous range's numbers are out of reach and out of the reading. */}
      <div
        className={rangeProblem ? "analytics-body is-stale" : "analytics-body"}
        inert={rangeProblem !== null}
      >
        <ToplineCards
          summary={summary.data}
          rangeLabel={rangeText}
          previousLabel={describePrevious(view)}
          isLoading={summary.isLoading}
          isBlocked={rangeProblem !== null || summary.error !== null}
          isWholePlatform={app === ALL_APPS}
          csvPath={isAskable ? paths.summaryCsv : null}
          tz={view.tz}
        />
        {summary.error ? (
          <PanelError error={summary.error} onRetry={retryFailed} subject="the counts" />
        ) : null}

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
          isCurrent={isCurrent}
          exportTitle={`Access times — ${title}`}
          exportSubtitle={`${exportSubtitle} · average distinct active users per weekday-hour`}
          fileName={pngFileName("access-times", app, view.range)}
        />

        <UsersTablePanel
          app={app}
          view={view}
          data={table.data}
          status={statusOf(table)}
          csvPath={isAskable ? paths.csv : null}
          onChange={changeTable}
        />
      </div>
    </div>
  );
}

/** A menu of the viewer's other apps; the view (range, zone, filters) carries over. */
function AppSwitcher({
  app,
  apps,
  search,
}: {
  app: string;
  apps: AppsResponse | null;
  search: string;
}) {
  if (!apps) return null;
  const others = [
    ...(apps.canSeeAll && app !== ALL_APPS ? [{ id: ALL_APPS, name: "All apps" }] : []),
    ...apps.apps.filter((candidate) => candidate.id !== app),
  ];
  if (others.length === 0) return null;
  return (
    <select
      className="select app-switcher"
      aria-label="Switch app"
      value=""
      onChange={(event) =>
        navigate(`/analytics/${encodeURIComponent(event.target.value)}${search}`)
      }
      data-testid="app-switcher"
    >
      <option value="" disabled>
        Switch app…
      </option>
      {others.map((candidate) => (
        <option key={candidate.id} value={candidate.id}>
          {candidate.name || candidate.id}
        </option>
      ))}
    </select>
  );
}
