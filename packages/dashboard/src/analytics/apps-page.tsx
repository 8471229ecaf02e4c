// Analytics home: the apps this viewer may open (and "All apps" for owners and admins).
import { Link } from "../app/router";
import { formatCount } from "../ui/count-format";
import { PageMessage } from "../ui/page-message";
import { formatAge, secondsSince } from "../ui/time-format";
import { useNow } from "../ui/use-now";
import { ALL_APPS, APPS_PATH, type AppSummary, type AppsResponse } from "./analytics-api";
import { useApiData } from "./use-api-data";
import "./analytics.css";
import "./apps-page.css";

export function AppsPage() {
  const { data, error, retry } = useApiData<AppsResponse>(APPS_PATH);
  const now = useNow(30_000);

  return (
    <div className="analytics-page">
      <div className="page-head">
        <div>
          <h1>Analytics</h1>
          <p className="page-lead">Who uses each app, when, and how much. Pick an app.</p>
        </div>
      </div>
      {error ? (
        <PageMessage
          tone="error"
          title="Rollcall could not list your apps"
          action={
            <button type="button" className="button" onClick={retry}>
              Try again
            </button>
          }
        >
          {error.message}
        </PageMessage>
      ) : !data ? (
        <div className="apps-grid" aria-hidden="true">
          {[0, 1, 2].map((index) => (
            <div key={index} className="skeleton app-card-skeleton" />
          ))}
        </div>
      ) : data.apps.length === 0 && !data.canSeeAll ? (
        <PageMessage title="No apps assigned to you yet">
          Your platform decides which apps an instructor sees. Ask an owner or admin to add yours to
          your access.
        </PageMessage>
      ) : (
        <>
          <ul className="apps-grid" data-testid="apps-list">
            {data.canSeeAll ? (
              <AppCard
                id={ALL_APPS}
                title="All apps"
                detail="Every registered platform user"
                activity={null}
                isAll
              />
            ) : null}
            {data.apps.map((app) => (
              <AppCard
                key={app.id}
                id={app.id}
                title={app.name || app.id}
                detail={`${formatCount(app.users)} ${app.users === 1 ? "user" : "users"}`}
                activity={describeActivity(app, now)}
              />
            ))}
          </ul>
          {data.apps.length === 0 ? (
            <p className="apps-hint muted">
              No app has reported activity yet. Tag pages with <code>data-app="your-app-id"</code>{" "}
              on the tracker's script (or <code>rollcall.setApp(id)</code>) and each app gets its
              own page here.
            </p>
          ) : null}
        </>
      )}
    </div>
  );
}

function describeActivity(app: AppSummary, now: number): string {
  if (!app.lastActivityAt) return "no activity yet";
  return `active ${formatAge(secondsSince(app.lastActivityAt, now))}`;
}

interface AppCardProps {
  id: string;
  title: string;
  detail: string;
  activity: string | null;
  isAll?: boolean;
}

function AppCard({ id, title, detail, activity, isAll }: AppCardProps) {
  return (
    <li>
      <Link
        to={`/analytics/${encodeURIComponent(id)}`}
        className={isAll ? "app-card app-card-all" : "app-card"}
        data-testid="app-link"
        data-app={id}
      >
        <span className="app-card-icon" aria-hidden="true">
          {isAll ? "∗" : title.slice(0, 1).toUpperCase()}
        </span>
        <span className="app-card-text">
          <span className="app-card-title truncate">{title}</span>
          <span className="app-card-detail">
            {detail}
            {activity ? (
              <>
                <span className="app-card-sep" aria-hidden="true">
                  ·
                </span>
                {activity}
              </>
            ) : null}
          </span>
        </span>
        <span className="app-card-arrow" aria-hidden="true">
          →
        </span>
      </Link>
    </li>
  );
}
