// The wall view: full-screen, dark, large numbers and the live table, for a support team's screen.
import { useEffect } from "react";
import { Link } from "../app/router";
import { checkSession } from "../auth/use-viewer";
import { Connecting, NoUsersYet } from "../connected-users/empty-states";
import { StreamBanner } from "../connected-users/stream-banner";
import { SummaryCards } from "../connected-users/summary-cards";
import { useSortedUsers } from "../connected-users/use-sorted-users";
import { defaultSort } from "../connected-users/user-query";
import { UserTable } from "../connected-users/user-table";
import { useLivePresence } from "../live/use-live-presence";
import { formatClock } from "../ui/time-format";
import { useNow } from "../ui/use-now";
import "../connected-users/connected-users.css";
import "./wall.css";

export function WallPage() {
  const live = useLivePresence("live", { onInterrupted: checkSession });
  const { state } = live;
  const users = useSortedUsers(state, defaultSort);
  const now = useNow();

  useEffect(() => {
    document.documentElement.classList.add("theme-dark");
    return () => document.documentElement.classList.remove("theme-dark");
  }, []);

  const toggleFullscreen = () => {
    if (document.fullscreenElement) void document.exitFullscreen();
    else void document.documentElement.requestFullscreen().catch(() => undefined);
  };

  return (
    <div className="wall">
      <header className="wall-header">
        <div className="wall-brand">
          <span className="brand-mark" aria-hidden="true" />
          Rollcall
          <span className="wall-title">Connected users</span>
        </div>
        <div className="wall-header-end">
          <span className={`wall-live wall-live-${live.status}`}>
            <span className="connection-dot" aria-hidden="true" />
            {live.status === "open"
              ? "Live"
              : live.status === "connecting"
                ? "Connecting"
                : "Reconnecting"}
          </span>
          <time className="wall-clock numeric">{formatClock(now)}</time>
          <button type="button" className="wall-link" onClick={toggleFullscreen}>
            Full screen
          </button>
          <Link to="/" className="wall-link" data-testid="exit-wall">
            Exit wall
          </Link>
        </div>
      </header>
      {live.status === "interrupted" ? <StreamBanner onRefresh={live.refreshNow} /> : null}
      <SummaryCards
        summary={state.summary}
        asOf={state.updatedAt === null ? null : Date.parse(state.updatedAt)}
      />
      {state.hasSnapshot && state.users.size === 0 ? (
        <NoUsersYet />
      ) : (
        <section className="table-panel wall-table" aria-label="Platform users">
          <UserTable users={users} variant="wall" empty={<Connecting />} />
        </section>
      )}
    </div>
  );
}
