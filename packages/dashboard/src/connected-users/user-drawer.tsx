// The read-only side panel of one user: open tabs and devices, today's sessions, recent pages.
import type {
  ConnectionDetail,
  PageVisitDetail,
  PresenceUser,
  SessionDetail,
  UserDetailResponse,
} from "@rollcall/protocol";
import { useRef } from "react";
import { AppBadgeLink } from "../analytics/app-badge-link";
import { Avatar } from "../ui/avatar";
import { StatusDot } from "../ui/status-dot";
import { formatDuration, formatLastSeen, formatTimeOfDay, secondsSince } from "../ui/time-format";
import { useDialogFocus } from "../ui/use-dialog-focus";
import { useNow } from "../ui/use-now";
import { describeDevice } from "./device-label";
import { useUserDetail } from "./use-user-detail";
import "./user-drawer.css";

interface UserDrawerProps {
  id: string;
  /** The user's live row, when the table has it. */
  row: PresenceUser | undefined;
  onClose: () => void;
}

export function UserDrawer({ id, row, onClose }: UserDrawerProps) {
  const { state, reload } = useUserDetail(id, row);
  const now = useNow();
  const panelRef = useRef<HTMLElement>(null);

  useDialogFocus(panelRef, onClose);

  const user = state.kind === "ready" ? state.detail.user : row;

  return (
    <div className="drawer-layer">
      <div className="drawer-backdrop" onClick={onClose} aria-hidden="true" />
      <aside
        ref={panelRef}
        className="drawer"
        role="dialog"
        aria-modal="true"
        aria-label={user ? `Details of ${user.name}` : "User details"}
        tabIndex={-1}
        data-testid="user-drawer"
        data-user-id={id}
      >
        <header className="drawer-header">
          {user ? (
            <>
              <Avatar id={user.id} name={user.name} size="lg" />
              <div className="drawer-title">
                <h2 className="truncate">{user.name || user.id}</h2>
                <div className="drawer-subtitle">
                  <span className="drawer-email truncate" title={user.email}>
                    {user.email}
                  </span>
                  {user.role ? <span className="role">{user.role}</span> : null}
                </div>
              </div>
            </>
          ) : (
            <div className="drawer-title">
              <h2>User</h2>
            </div>
          )}
          <button
            type="button"
            className="icon-button"
            onClick={onClose}
            aria-label="Close"
            title="Close (Esc)"
            data-testid="drawer-close"
          >
            ×
          </button>
        </header>
        <div className="drawer-body">
          {user ? <Facts user={user} now={now} /> : null}
          {state.kind === "loading" ? <DrawerSkeleton /> : null}
          {state.kind === "error" ? (
            <div className="alert alert-error" role="alert">
              {state.message}
              {state.isGone ? null : (
                <button type="button" className="button button-small" onClick={reload}>
                  Try again
                </button>
              )}
            </div>
          ) : null}
          {state.kind === "ready" ? <Detail detail={state.detail} now={now} /> : null}
        </div>
        <footer className="drawer-footer">Read-only · updates live</footer>
      </aside>
    </div>
  );
}

function Facts({ user, now }: { user: PresenceUser; now: number }) {
  const isInSession = user.status !== "offline" && user.sessionStartedAt;
  return (
    <dl className="facts">
      <div>
        <dt>Status</dt>
        <dd>
          <StatusDot status={user.status} />
        </dd>
      </div>
      <div>
        <dt>{isInSession ? "Active for" : "Last seen"}</dt>
        <dd className="numeric">
          {isInSession && user.sessionStartedAt
            ? formatDuration(secondsSince(user.sessionStartedAt, now))
            : formatLastSeen(user.lastSeenAt, now).replace(/^last seen /, "")}
        </dd>
      </div>
    </dl>
  );
}

function Detail({ detail, now }: { detail: UserDetailResponse; now: number }) {
  return (
    <>
      <section className="drawer-section">
        <h3>
          Open tabs and devices <span className="count">{detail.connections.length}</span>
        </h3>
        {detail.connections.length === 0 ? (
          <p className="muted">No open tabs: this user is offline.</p>
        ) : (
          <ul className="connection-list">
            {detail.connections.map((connection) => (
              <ConnectionItem key={connection.id} connection={connection} now={now} />
            ))}
          </ul>
        )}
      </section>
      <SessionsSection sessions={detail.sessionsToday} now={now} />
      <section className="drawer-section">
        <h3>Recent pages</h3>
        {detail.recentPages.length === 0 ? (
          <p className="muted">No page views recorded yet.</p>
        ) : (
          <ol className="page-trail">
            {detail.recentPages.map((visit) => (
              <PageVisitItem key={`${visit.startedAt}-${visit.path}`} visit={visit} now={now} />
            ))}
          </ol>
        )}
      </section>
    </>
  );
}

function ConnectionItem({ connection, now }: { connection: ConnectionDetail; now: number }) {
  return (
    <li className="connection-item">
      <div className="connection-top">
        <span className="connection-device">{describeDevice(connection.device)}</span>
        <span className={`pill pill-${connection.status === "active" ? "online" : "idle"}`}>
          {connection.status === "active" ? "Active" : "Idle"}
        </span>
        <span className="pill">{connection.isVisible ? "Visible" : "Hidden tab"}</span>
        <span className="pill pill-quiet" title="Transport">
          {connection.transport === "ws" ? "WebSocket" : "HTTP"}
        </span>
      </div>
      {connection.page ? (
        <div className="connection-page">
          <span className="page-title-line">
            <span className="truncate page-title">{connection.page.title || "Untitled page"}</span>
            {connection.page.app ? <AppBadgeLink app={connection.page.app} /> : null}
          </span>
          <span className="truncate page-path">{connection.page.path}</span>
        </div>
      ) : (
        <div className="connection-page muted">No page reported yet</div>
      )}
      <div className="connection-meta">
        Opened {formatTimeOfDay(connection.openedAt)} · open for{" "}
        <span className="numeric">{formatDuration(secondsSince(connection.openedAt, now))}</span>
      </div>
    </li>
  );
}

function SessionsSection({ sessions, now }: { sessions: readonly SessionDetail[]; now: number }) {
  const seconds = (session: SessionDetail) =>
    session.endedAt === null ? secondsSince(session.startedAt, now) : session.seconds;
  const total = sessions.reduce((sum, session) => sum + seconds(session), 0);
  return (
    <section className="drawer-section">
      <h3>
        Today's sessions <span className="count">{sessions.length}</span>
        {sessions.length > 0 ? (
          <span className="section-aside numeric">{formatDuration(total)} in total</span>
        ) : null}
      </h3>
      {sessions.length === 0 ? (
        <p className="muted">No sessions today.</p>
      ) : (
        <ul className="session-list">
          {sessions.map((session) => (
            <li key={session.startedAt} className="session-item">
              <span className="numeric">
                {formatTimeOfDay(session.startedAt)} –{" "}
                {session.endedAt ? formatTimeOfDay(session.endedAt) : "now"}
              </span>
              {session.endedAt === null ? <span className="pill pill-online">Ongoing</span> : null}
              <span className="session-duration numeric">{formatDuration(seconds(session))}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function PageVisitItem({ visit, now }: { visit: PageVisitDetail; now: number }) {
  const endedAt = visit.endedAt === null ? now : Date.parse(visit.endedAt);
  const seconds = Math.max(0, (endedAt - Date.parse(visit.startedAt)) / 1_000);
  return (
    <li className={visit.endedAt === null ? "page-visit is-current" : "page-visit"}>
      <span className="page-visit-time numeric">{formatTimeOfDay(visit.startedAt)}</span>
      <span className="page-visit-main">
        <span className="page-title-line">
          <span className="truncate page-title">{visit.title || "Untitled page"}</span>
          {visit.app ? <AppBadgeLink app={visit.app} /> : null}
        </span>
        <span className="truncate page-path">{visit.path}</span>
      </span>
      <span className="page-visit-duration numeric">
        {visit.endedAt === null ? "now" : formatDuration(seconds)}
      </span>
    </li>
  );
}

function DrawerSkeleton() {
  return (
    <div className="skeleton-group" role="status" aria-label="Loading details">
      <div className="skeleton skeleton-title" />
      <div className="skeleton skeleton-block" />
      <div className="skeleton skeleton-block" />
      <div className="skeleton skeleton-title" />
      <div className="skeleton skeleton-line" />
      <div className="skeleton skeleton-line" />
    </div>
  );
}
