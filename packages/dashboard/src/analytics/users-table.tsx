// "User details": the app's users (active in the range, or all known) with role, messages sent and
// last activity; sorted, paged.
import type { ReactNode } from "react";
import { Avatar } from "../ui/avatar";
import { formatCount } from "../ui/count-format";
import { useNow } from "../ui/use-now";
import type { TableUser, UsersTableResponse } from "./analytics-api";
import { TABLE_PAGE_SIZE, type TableSort, type TableView } from "./analytics-view";
import { describeLastActive } from "./last-active";
import { PanelError, type PanelStatus } from "./panel-parts";
import { describeSlice, pageSlice } from "./table-paging";
import "./analytics-table.css";

const COLUMNS: readonly {
  key: TableSort | "email" | "role";
  label: string;
  isNumeric?: boolean;
}[] = [
  { key: "name", label: "Name" },
  { key: "email", label: "Email" },
  { key: "role", label: "Role" },
  { key: "messagesSent", label: "Messages sent", isNumeric: true },
  { key: "lastActiveAt", label: "Last active" },
];

interface UsersTableProps {
  data: UsersTableResponse | null;
  status: PanelStatus;
  table: TableView;
  tz: string;
  isFiltering: boolean;
  onSort: (column: TableSort) => void;
  onPage: (page: number) => void;
  onClearFilters: () => void;
  /** Switches the table from the users active in the range to everyone known. */
  onShowAll: () => void;
}

export function UsersTable({
  data,
  status,
  table,
  tz,
  isFiltering,
  onSort,
  onPage,
  onClearFilters,
  onShowAll,
}: UsersTableProps) {
  const now = useNow(30_000);
  const slice = data ? pageSlice(table.page, TABLE_PAGE_SIZE, data.total) : null;

  let body: ReactNode;
  if (status.error) {
    body = (
      <TableMessage>
        <PanelError error={status.error} onRetry={status.onRetry} />
      </TableMessage>
    );
  } else if (!data && status.blockedBy) {
    body = (
      <TableMessage>
        <p className="muted" data-testid="range-blocked">
          {status.blockedBy} Pick other dates above.
        </p>
      </TableMessage>
    );
  } else if (!data) {
    body = Array.from({ length: 8 }, (_, index) => (
      // biome-ignore lint/suspicious/noArrayIndexKey: placeholder rows have nothing else to key on.
      <tr key={index} className="users-skeleton-row">
        {COLUMNS.map((column) => (
          <td key={column.key}>
            <span className="skeleton table-skeleton" aria-hidden="true" />
          </td>
        ))}
      </tr>
    ));
  } else if (data.users.length === 0) {
    body = (
      <TableMessage>
        {data.total > 0 ? (
          <div className="table-empty">
            <p>This page is past the end of the list.</p>
            <button type="button" className="button button-small" onClick={() => onPage(1)}>
              Back to page 1
            </button>
          </div>
        ) : isFiltering ? (
          <div className="table-empty" data-testid="no-matches">
            <p className="panel-empty-title">No users match these filters</p>
            <button type="button" className="button button-small" onClick={onClearFilters}>
              Clear filters
            </button>
          </div>
        ) : table.members === "active" ? (
          <div className="table-empty" data-testid="nobody-active">
            <p className="panel-empty-title">Nobody was active in this range</p>
            <button type="button" className="button button-small" onClick={onShowAll}>
              Show everyone known
            </button>
          </div>
        ) : (
          <div className="table-empty">
            <p className="panel-empty-title">Nobody has used this app yet</p>
            <p className="muted">Users appear here after their first page view or event in it.</p>
          </div>
        )}
      </TableMessage>
    );
  } else {
    body = data.users.map((user) => <UserRow key={user.id} user={user} tz={tz} now={now} />);
  }

  return (
    <>
      <div
        className={status.isLoading && data ? "users-table-wrap is-updating" : "users-table-wrap"}
      >
        <table className="users-table" data-testid="users-table" data-total={data?.total}>
          <thead>
            <tr>
              {COLUMNS.map((column) => (
                <HeaderCell key={column.key} column={column} table={table} onSort={onSort} />
              ))}
            </tr>
          </thead>
          <tbody>{body}</tbody>
        </table>
      </div>
      <div className="table-footer">
        <span className="users-count numeric" data-testid="table-range">
          {data && slice ? describeSlice(slice, data.total) : "\u00a0"}
        </span>
        <div className="pager">
          <button
            type="button"
            className="button button-small"
            disabled={!slice?.hasPrevious}
            onClick={() => onPage(table.page - 1)}
            data-testid="table-prev"
          >
            ← Previous
          </button>
          <button
            type="button"
            className="button button-small"
            disabled={!slice?.hasNext}
            onClick={() => onPage(table.page + 1)}
            data-testid="table-next"
          >
            Next →
          </button>
        </div>
      </div>
    </>
  );
}

function HeaderCell({
  column,
  table,
  onSort,
}: {
  column: (typeof COLUMNS)[number];
  table: TableView;
  onSort: (column: TableSort) => void;
}) {
  const className = column.isNumeric ? "numeric-cell" : undefined;
  if (column.key === "email" || column.key === "role") {
    return (
      <th scope="col" className={className}>
        {column.label}
      </th>
    );
  }
  const key = column.key;
  const isSorted = table.sort === key;
  return (
    <th
      scope="col"
      className={className}
      aria-sort={isSorted ? (table.order === "asc" ? "ascending" : "descending") : "none"}
    >
      <button
        type="button"
        className={isSorted ? "th-sort is-sorted" : "th-sort"}
        onClick={() => onSort(key)}
        data-testid={`table-sort-${key}`}
      >
        {column.label}
        <span className="th-sort-indicator" aria-hidden="true">
          {isSorted ? (table.order === "asc" ? "↑" : "↓") : "↕"}
        </span>
      </button>
    </th>
  );
}

function UserRow({ user, tz, now }: { user: TableUser; tz: string; now: number }) {
  return (
    <tr data-testid="users-row" data-user-id={user.id}>
      <td>
        <span className="users-name">
          <Avatar id={user.id} name={user.name || user.id} />
          <span className="users-name-text">
            <span className="truncate" title={user.name || user.id}>
              {user.name || user.id}
            </span>
            {/* On a phone the email and role columns give way to this line. */}
            <span className="users-name-more truncate muted">
              {[user.role, user.email].filter((part) => part !== "").join(" · ")}
            </span>
          </span>
        </span>
      </td>
      <td>
        <span className="truncate muted email-cell" title={user.email}>
          {user.email || "—"}
        </span>
      </td>
      <td>
        <span className="truncate role-cell" title={user.role}>
          {user.role || <span className="muted">—</span>}
        </span>
      </td>
      <td className="numeric-cell numeric" data-value={user.messagesSent}>
        {user.messagesSent === 0 ? (
          <span className="muted">0</span>
        ) : (
          formatCount(user.messagesSent)
        )}
      </td>
      <td>
        <LastActive iso={user.lastActiveAt} tz={tz} now={now} />
      </td>
    </tr>
  );
}

function LastActive({ iso, tz, now }: { iso: string | null; tz: string; now: number }) {
  const text = iso === null ? null : describeLastActive(iso, tz, now);
  if (iso === null || text === null) return <span className="muted">never</span>;
  return (
    <span className="last-active" title={tz}>
      <time dateTime={iso}>{text.time}</time>
      <span className="last-active-ago muted">
        <span className="last-active-dot"> · </span>
        {text.ago}
      </span>
    </span>
  );
}

function TableMessage({ children }: { children: ReactNode }) {
  return (
    <tr>
      <td colSpan={COLUMNS.length} className="table-message">
        {children}
      </td>
    </tr>
  );
}
