// The users table: sortable headers and virtualised rows with status, page and a ticking "Active for".
import type { PresenceUser } from "@rollcall/protocol";
import type { CSSProperties, KeyboardEvent, ReactNode } from "react";
import { AppBadgeLink } from "../analytics/app-badge-link";
import { Avatar } from "../ui/avatar";
import { StatusDot } from "../ui/status-dot";
import { formatDuration, formatLastSeen, secondsSince } from "../ui/time-format";
import { useNow } from "../ui/use-now";
import { VirtualRows } from "../ui/virtual-rows";
import type { SortColumn, UserSort } from "./user-query";
import "./user-table.css";

export type TableVariant = "page" | "wall";

const COLUMNS: Record<TableVariant, readonly { column: SortColumn; label: string }[]> = {
  page: [
    { column: "status", label: "Status" },
    { column: "name", label: "User" },
    { column: "email", label: "Email" },
    { column: "role", label: "Role" },
    { column: "page", label: "Current page" },
    { column: "activeFor", label: "Active for" },
  ],
  wall: [
    { column: "status", label: "Status" },
    { column: "name", label: "User" },
    { column: "role", label: "Role" },
    { column: "page", label: "Current page" },
    { column: "activeFor", label: "Active for" },
  ],
};

const ROW_HEIGHT: Record<TableVariant, number> = { page: 52, wall: 64 };

interface UserTableProps {
  users: readonly PresenceUser[];
  variant: TableVariant;
  sort?: UserSort;
  onSort?: (column: SortColumn) => void;
  selectedId?: string | null;
  onSelect?: (id: string) => void;
  resetKey?: string;
  empty?: ReactNode;
}

export function UserTable({
  users,
  variant,
  sort,
  onSort,
  selectedId,
  onSelect,
  resetKey,
  empty,
}: UserTableProps) {
  const now = useNow();
  const columns = COLUMNS[variant];

  const header = (
    <tr className="user-table-row user-table-head">
      {columns.map(({ column, label }) => {
        const isSorted = sort?.column === column;
        const ariaSort = isSorted
          ? sort.direction === "asc"
            ? "ascending"
            : "descending"
          : "none";
        return (
          <th
            key={column}
            scope="col"
            aria-sort={onSort ? ariaSort : undefined}
            className={`cell cell-${column}`}
          >
            {onSort ? (
              <button
                type="button"
                className={isSorted ? "sort-button is-sorted" : "sort-button"}
                onClick={() => onSort(column)}
                data-testid={`sort-${column}`}
              >
                {label}
                <span className="sort-indicator" aria-hidden="true">
                  {isSorted ? (sort.direction === "asc" ? "↑" : "↓") : "↕"}
                </span>
              </button>
            ) : (
              label
            )}
          </th>
        );
      })}
    </tr>
  );

  const renderRow = (user: PresenceUser, index: number, style: CSSProperties) => {
    const isSelected = user.id === selectedId;
    const handleKey = (event: KeyboardEvent<HTMLTableRowElement>) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        onSelect?.(user.id);
      }
    };
    return (
      <tr
        aria-rowindex={index + 2}
        aria-selected={onSelect ? isSelected : undefined}
        tabIndex={onSelect ? 0 : undefined}
        className={`user-table-row user-row${isSelected ? " is-selected" : ""}${onSelect ? " is-clickable" : ""}`}
        style={style}
        onClick={onSelect ? () => onSelect(user.id) : undefined}
        onKeyDown={onSelect ? handleKey : undefined}
        data-testid="user-row"
        data-user-id={user.id}
        data-status={user.status}
      >
        {columns.map(({ column }) => (
          <td key={column} className={`cell cell-${column}`}>
            {renderCell(column, user, now, variant)}
          </td>
        ))}
      </tr>
    );
  };

  return (
    <VirtualRows
      className={`user-table user-table-${variant}`}
      label="Platform users"
      items={users}
      rowHeight={ROW_HEIGHT[variant]}
      header={header}
      getKey={(user) => user.id}
      renderRow={renderRow}
      resetKey={resetKey}
      empty={empty}
    />
  );
}

function renderCell(
  column: SortColumn,
  user: PresenceUser,
  now: number,
  variant: TableVariant,
): ReactNode {
  switch (column) {
    case "status":
      return <StatusDot status={user.status} />;
    case "name":
      return (
        <span className="user-name">
          <Avatar id={user.id} name={user.name} />
          <span className="truncate" title={user.name}>
            {user.name || user.id}
          </span>
        </span>
      );
    case "email":
      return (
        <span className="truncate muted" title={user.email}>
          {user.email}
        </span>
      );
    case "role":
      return user.role ? (
        <span className="role">{user.role}</span>
      ) : (
        <span className="muted">—</span>
      );
    case "page":
      return <PageCell user={user} isAppLinked={variant === "page"} />;
    case "activeFor":
      return <ActiveFor user={user} now={now} />;
  }
}

function PageCell({ user, isAppLinked }: { user: PresenceUser; isAppLinked: boolean }) {
  const page = user.currentPage;
  if (!page || user.status === "offline") return <span className="muted">—</span>;
  return (
    <span className="page-cell">
      <span className="page-title-line">
        <span className="truncate page-title" title={page.title || page.path}>
          {page.title || "Untitled page"}
        </span>
        {page.app ? (
          isAppLinked ? (
            <AppBadgeLink app={page.app} />
          ) : (
            <span className="app-badge">{page.app}</span>
          )
        ) : null}
      </span>
      <span className="truncate page-path" title={page.path}>
        {page.path}
      </span>
    </span>
  );
}

function ActiveFor({ user, now }: { user: PresenceUser; now: number }) {
  if (user.status === "offline" || !user.sessionStartedAt) {
    return <span className="muted">{formatLastSeen(user.lastSeenAt, now)}</span>;
  }
  return (
    <span className="numeric">{formatDuration(secondsSince(user.sessionStartedAt, now))}</span>
  );
}
