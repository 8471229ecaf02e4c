// The Connected users page: summary, live controls, filters, the virtualised table and the drawer.
import { useCallback, useMemo, useState } from "react";
import { Link } from "../app/router";
import { checkSession } from "../auth/use-viewer";
import { useLivePresence } from "../live/use-live-presence";
import { formatCount } from "../ui/count-format";
import { useDebouncedValue } from "../ui/use-debounced-value";
import { Connecting, NoMatches, NoUsersYet } from "./empty-states";
import { LiveControls } from "./live-controls";
import { PresenceCsvLink } from "./presence-csv-link";
import { StreamBanner } from "./stream-banner";
import { SummaryCards } from "./summary-cards";
import { useRefreshMode } from "./use-refresh-mode";
import { useSortedUsers } from "./use-sorted-users";
import { UserDrawer } from "./user-drawer";
import { UserFilters } from "./user-filters";
import {
  defaultSort,
  emptyFilter,
  filterUsers,
  isFiltering,
  listRoles,
  nextSort,
  type SortColumn,
  type UserFilter,
} from "./user-query";
import { UserTable } from "./user-table";
import "./connected-users.css";

const SEARCH_DEBOUNCE_MS = 200;

export function ConnectedUsersPage() {
  const [mode, setMode] = useRefreshMode();
  const live = useLivePresence(mode, { onInterrupted: checkSession });
  const { state } = live;

  const [searchInput, setSearchInput] = useState("");
  const search = useDebouncedValue(searchInput, SEARCH_DEBOUNCE_MS);
  const [choices, setChoices] = useState<UserFilter>(emptyFilter);
  const [sort, setSort] = useState(defaultSort);
  const [selectedId, setSelectedId] = useState<string | null>(null);

  const filter = useMemo(() => ({ ...choices, search }), [choices, search]);
  const sorted = useSortedUsers(state, sort);
  const visible = useMemo(() => filterUsers(sorted, filter), [sorted, filter]);
  const roles = useMemo(() => listRoles(state.roles), [state.roles]);

  const handleSort = useCallback((column: SortColumn) => setSort((s) => nextSort(s, column)), []);
  const closeDrawer = useCallback(() => setSelectedId(null), []);
  const clearFilters = useCallback(() => {
    setSearchInput("");
    setChoices(emptyFilter);
  }, []);

  const hasNoUsers = state.hasSnapshot && state.users.size === 0;
  const isLoading = !state.hasSnapshot;

  return (
    <div className="connected-users">
      <div className="page-head">
        <div>
          <h1>Connected users</h1>
          <p className="page-lead">Who is on the platform right now, where, and for how long.</p>
        </div>
        <div className="page-head-actions">
          <LiveControls
            mode={mode}
            onModeChange={setMode}
            onRefresh={live.refreshNow}
            lastUpdatedAt={live.lastUpdatedAt}
            status={live.status}
            hasPendingChanges={live.hasPendingChanges}
          />
          <Link to="/wall" className="button button-ghost" data-testid="open-wall">
            <WallIcon />
            Wall view
          </Link>
        </div>
      </div>

      {live.status === "interrupted" ? <StreamBanner onRefresh={live.refreshNow} /> : null}

      <SummaryCards
        summary={state.summary}
        asOf={state.updatedAt === null ? null : Date.parse(state.updatedAt)}
      />

      {hasNoUsers ? (
        <NoUsersYet />
      ) : (
        <section className="table-panel" aria-label="Platform users">
          <div className="table-toolbar">
            <UserFilters
              searchInput={searchInput}
              onSearchInput={setSearchInput}
              filter={choices}
              onFilterChange={setChoices}
              roles={roles}
              summary={state.summary}
            />
            <div className="table-toolbar-end">
              <span className="result-count" data-testid="result-count">
                {isLoading
                  ? ""
                  : isFiltering(filter)
                    ? `${formatCount(visible.length)} of ${formatCount(sorted.length)} users`
                    : `${formatCount(sorted.length)} users`}
              </span>
              <PresenceCsvLink filter={filter} sort={sort} />
            </div>
          </div>
          <UserTable
            users={visible}
            variant="page"
            sort={sort}
            onSort={handleSort}
            selectedId={selectedId}
            onSelect={setSelectedId}
            resetKey={`${filter.search}|${filter.status}|${filter.role}|${sort.column}|${sort.direction}`}
            empty={isLoading ? <Connecting /> : <NoMatches onClear={clearFilters} />}
          />
        </section>
      )}

      {selectedId !== null ? (
        <UserDrawer
          key={selectedId}
          id={selectedId}
          row={state.users.get(selectedId)}
          onClose={closeDrawer}
        />
      ) : null}
    </div>
  );
}

function WallIcon() {
  return (
    <svg className="icon" viewBox="0 0 16 16" aria-hidden="true">
      <rect
        x="1.75"
        y="2.75"
        width="12.5"
        height="8.5"
        rx="1.25"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.5"
      />
      <path d="M5.5 13.75h5" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
    </svg>
  );
}
