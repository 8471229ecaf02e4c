// "User details": every user known to the app with messages sent and last activity; sorted, paged.
import type { ReactNode } from "react";
import { Avatar } from "../ui/avatar";
import { formatCount } from "../ui/count-format";
import { formatAge, secondsSince } from "../ui/time-format";
import { useNow } from "../ui/use-now";
import type { TableUser, UsersTableResponse } from "./analytics-api";
import { TABLE_PAGE_SIZE, type TableSort, type TableView } from "./analytics-view";
import { PanelError, type PanelStatus } from "./panel-parts";
import { describeSlice, pageSlice } from "./table-paging";
import { formatZonedDateTime } from "./zoned-date";
import "./analytics-table.css";

const COLUMNS: readonly { key: TableSort | "email"; label: string; isNumeric?: boolean }[] = [
  { key: "name", label: "Name" },
  { key: "email", label: "Email" },
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
  if (column.key === "email") {
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
          <span className="truncate" title={user.name || user.id}>
            {user.name || user.id}
          </span>
        </span>
      </td>
      <td>
        <span className="truncate muted email-cell" title={user.email}>
          {user.email || "—"}
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
        {user.lastActiveAt ? (
          <time
            dateTime={user.lastActiveAt}
            title={`${formatZonedDateTime(user.lastActiveAt, tz)} (${tz})`}
          >
            {formatAge(secondsSince(user.lastActiveAt, now))}
          </time>
        ) : (
          <span className="muted">never</span>
        )}
      </td>
    </tr>
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
