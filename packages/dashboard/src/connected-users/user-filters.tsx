// Search box and the status and role filters above the table.
import type { PresenceSummary, UserStatus } from "@rollcall/protocol";
import { formatCount } from "../ui/count-format";
import { isSameRole, type RoleCount, type UserFilter } from "./user-query";

interface UserFiltersProps {
  searchInput: string;
  onSearchInput: (value: string) => void;
  filter: UserFilter;
  onFilterChange: (filter: UserFilter) => void;
  roles: readonly RoleCount[];
  summary: PresenceSummary | null;
}

const STATUSES: readonly { value: UserStatus; label: string }[] = [
  { value: "online", label: "Online" },
  { value: "idle", label: "Idle" },
  { value: "offline", label: "Offline" },
];

export function UserFilters({
  searchInput,
  onSearchInput,
  filter,
  onFilterChange,
  roles,
  summary,
}: UserFiltersProps) {
  // The role chosen, as the list spells it now (the spelling most of its users have may change).
  const selectedRole =
    filter.role === "all" ? "all" : roles.find((r) => isSameRole(r.role, filter.role))?.role;
  return (
    <div className="user-filters">
      <div className="search">
        <SearchIcon />
        <input
          className="input search-input"
          type="search"
          placeholder="Search name, email or page"
          aria-label="Search users by name, email or current page"
          value={searchInput}
          onChange={(event) => onSearchInput(event.target.value)}
          data-testid="search"
        />
      </div>
      <select
        className="select"
        aria-label="Filter by status"
        value={filter.status}
        onChange={(event) =>
          onFilterChange({ ...filter, status: toStatusFilter(event.target.value) })
        }
        data-testid="filter-status"
      >
        <option value="all">All statuses</option>
        {STATUSES.map((status) => (
          <option key={status.value} value={status.value}>
            {summary ? `${status.label} (${formatCount(summary[status.value])})` : status.label}
          </option>
        ))}
      </select>
      <select
        className="select"
        aria-label="Filter by role"
        value={selectedRole ?? filter.role}
        onChange={(event) => onFilterChange({ ...filter, role: event.target.value })}
        data-testid="filter-role"
      >
        <option value="all">All roles</option>
        {roles.map((role) => (
          <option key={role.role} value={role.role}>
            {`${role.role || "(no role)"} (${formatCount(role.users)})`}
          </option>
        ))}
        {selectedRole === undefined ? (
          <option value={filter.role}>{`${filter.role} (0)`}</option>
        ) : null}
      </select>
    </div>
  );
}

function toStatusFilter(value: string): UserFilter["status"] {
  return STATUSES.find((status) => status.value === value)?.value ?? "all";
}

function SearchIcon() {
  return (
    <svg className="icon search-icon" viewBox="0 0 16 16" aria-hidden="true">
      <circle cx="7" cy="7" r="4.5" fill="none" stroke="currentColor" strokeWidth="1.5" />
      <path d="m10.5 10.5 3 3" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
    </svg>
  );
}
