// The routes: /login and /share/:token for everyone, / and /wall for a signed-in owner or admin, /analytics for all.
import type { Viewer } from "@rollcall/protocol";
import { AppsPage } from "../analytics/apps-page";
import { UsersAnalyticsPage } from "../analytics/users-analytics-page";
import { safeNextPath } from "../auth/auth-api";
import { EmbedFailedPage, pageFailure } from "../auth/embed-failed-page";
import { LoginPage } from "../auth/login-page";
import { SignedOutPage } from "../auth/signed-out-page";
import { useViewer } from "../auth/use-viewer";
import { ConnectedUsersPage } from "../connected-users/connected-users-page";
import { shareToken } from "../share/share-api";
import { SharedReportPage } from "../share/shared-report-page";
import { PageMessage } from "../ui/page-message";
import { WallPage } from "../wall/wall-page";
import { AppHeader } from "./app-header";
import { Link, useLocation } from "./router";
import "./app.css";

export function App() {
  const location = useLocation();
  if (location.pathname === "/login") {
    return (
      <LoginPage
        next={safeNextPath(location.searchParams.get("next"))}
        sso={location.searchParams.get("sso")}
      />
    );
  }
  if (location.pathname === "/signed-out") {
    return <SignedOutPage reason={location.searchParams.get("reason")} />;
  }
  // The server answers a browser's failed /embed link with this app and the failure's code.
  if (location.pathname === "/embed") return <EmbedFailedPage failure={pageFailure()} />;
  // A share link's page needs no session: the token in its path is the only credential.
  const token = shareToken(location.pathname);
  if (token !== null) return <SharedReportPage token={token} failure={pageFailure()} />;
  return <SignedInApp path={location.pathname} />;
}

function SignedInApp({ path }: { path: string }) {
  const { state, retry } = useViewer();

  if (state.kind === "loading") {
    return (
      <div className="app-loading" role="status">
        <span className="spinner" aria-hidden="true" /> Loading Rollcall…
      </div>
    );
  }
  if (state.kind === "error") {
    return (
      <div className="app-center">
        <PageMessage
          tone="error"
          title="Rollcall could not load your account"
          action={
            <button type="button" className="button" onClick={retry}>
              Try again
            </button>
          }
        >
          {state.message}
        </PageMessage>
      </div>
    );
  }

  const { viewer } = state;
  const isAllowed = viewer.role !== "instructor";
  if (path === "/wall" && isAllowed) return <WallPage />;
  return (
    <div className="app-shell">
      <AppHeader viewer={viewer} path={path} />
      <main className="app-main">{pageFor(path, viewer)}</main>
    </div>
  );
}

/** The app id in `/analytics/:app`, or null for any other path. */
function analyticsApp(path: string): string | null {
  const match = /^\/analytics\/([^/]+)\/?$/.exec(path);
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return null;
  }
}

function pageFor(path: string, viewer: Viewer) {
  const isInstructor = viewer.role === "instructor";
  if (path === "/analytics" || path === "/analytics/") return <AppsPage />;
  const app = analyticsApp(path);
  if (app !== null) return <UsersAnalyticsPage key={app} app={app} />;
  if (path !== "/" && path !== "/wall") {
    return (
      <PageMessage
        title="Page not found"
        action={
          isInstructor ? (
            <Link to="/analytics">Go to Analytics</Link>
          ) : (
            <Link to="/">Go to Connected users</Link>
          )
        }
      >
        There is no page at <code>{path}</code>.
      </PageMessage>
    );
  }
  if (isInstructor) {
    return (
      <PageMessage
        title="Connected users is for owners and admins"
        action={<Link to="/analytics">Go to Analytics</Link>}
      >
        You are signed in as an instructor. The Connected users page and its wall view show every
        platform user, so only platform owners and admins can open them. Your apps' analytics are
        under Analytics.
      </PageMessage>
    );
  }
  return <ConnectedUsersPage />;
}
