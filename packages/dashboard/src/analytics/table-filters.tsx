// The user table's filters: who is listed (active in the range, or everyone known), text search,
// role, "inactive for N days" and messages at least / at most.
import { useEffect, useState } from "react";
import { useDebouncedValue } from "../ui/use-debounced-value";
import type { TableView } from "./analytics-view";

const TYPING_DEBOUNCE_MS = 300;
const INACTIVE_CHOICES = [7, 14, 30, 60, 90];

interface TableFiltersProps {
  table: TableView;
  /** The roles of the app's users (the server's `roles`); null until the table has loaded. */
  roles: string[] | null;
  onChange: (change: Partial<TableView>) => void;
}

export function TableFilters({ table, roles, onChange }: TableFiltersProps) {
  const [searchInput, setSearchInput] = useState(table.q);
  const [minInput, setMinInput] = useState(table.minMessages > 0 ? String(table.minMessages) : "");
  const [maxInput, setMaxInput] = useState(
    table.maxMessages === null ? "" : String(table.maxMessages),
  );
  const search = useDebouncedValue(searchInput, TYPING_DEBOUNCE_MS);
  const minText = useDebouncedValue(minInput, TYPING_DEBOUNCE_MS);
  const maxText = useDebouncedValue(maxInput, TYPING_DEBOUNCE_MS);

  // Typed values reach the URL (and the server) once typing pauses.
  useEffect(() => {
    if (search.trim() !== table.q.trim()) onChange({ q: search });
  }, [search, table.q, onChange]);
  useEffect(() => {
    const value = toWholeNumber(minText);
    if (value !== table.minMessages) onChange({ minMessages: value });
  }, [minText, table.minMessages, onChange]);
  useEffect(() => {
    const value = maxText.trim() === "" ? null : toWholeNumber(maxText);
    if (value !== table.maxMessages) onChange({ maxMessages: value });
  }, [maxText, table.maxMessages, onChange]);

  // The role asked for stays a choice while the roles load, or if nobody has it any more.
  const roleChoices =
    table.role === "" ||
    (roles ?? []).some((role) => role.toLowerCase() === table.role.toLowerCase())
      ? (roles ?? [])
      : [...(roles ?? []), table.role];
  const maxBelowMin = table.maxMessages !== null && table.maxMessages < table.minMessages;

  const inactiveChoices =
    table.inactiveDays === null || INACTIVE_CHOICES.includes(table.inactiveDays)
      ? INACTIVE_CHOICES
      : [...INACTIVE_CHOICES, table.inactiveDays].sort((a, b) => a - b);

  return (
    <div className="table-filters">
      <label className="inline-field">
        Show
        <select
          className="select"
          value={table.members}
          onChange={(event) =>
            onChange({ members: event.target.value === "all" ? "all" : "active" })
          }
          data-testid="table-members"
        >
          <option value="active">Active in range</option>
          <option value="all">Everyone known</option>
        </select>
      </label>
      <div className="users-search">
        <SearchIcon />
        <input
          className="input users-search-input"
          type="search"
          placeholder="Search name or email"
          aria-label="Search users by name or email"
          value={searchInput}
          onChange={(event) => setSearchInput(event.target.value)}
          data-testid="table-search"
        />
      </div>
      <label className="inline-field">
        Role
        <select
          className="select"
          value={roleChoices.find((r) => r.toLowerCase() === table.role.toLowerCase()) ?? ""}
          onChange={(event) => onChange({ role: event.target.value })}
          data-testid="table-role"
        >
          <option value="">any role</option>
          {roleChoices.map((role) => (
            <option key={role} value={role}>
              {role}
            </option>
          ))}
        </select>
      </label>
      <label className="inline-field">
        Inactive for
        <select
          className="select"
          value={table.inactiveDays === null ? "" : String(table.inactiveDays)}
          onChange={(event) =>
            onChange({
              inactiveDays: event.target.value === "" ? null : Number(event.target.value),
            })
          }
          data-testid="table-inactive"
        >
          <option value="">any time</option>
          {inactiveChoices.map((days) => (
            <option key={days} value={String(days)}>
              {days}+ days
            </option>
          ))}
        </select>
      </label>
      <fieldset className="inline-field message-bounds">
        <span aria-hidden="true">Messages</span>
        <input
          className="input number-input"
          type="number"
          inputMode="numeric"
          min={0}
          step={1}
          placeholder="min"
          aria-label="Messages in the range, at least"
          value={minInput}
          onChange={(event) => setMinInput(event.target.value)}
          data-testid="table-min-messages"
        />
        <span className="muted" aria-hidden="true">
          to
        </span>
        <input
          className="input number-input"
          type="number"
          inputMode="numeric"
          min={0}
          step={1}
          placeholder="max"
          aria-label="Messages in the range, at most"
          value={maxInput}
          onChange={(event) => setMaxInput(event.target.value)}
          aria-invalid={maxBelowMin}
          title={maxBelowMin ? "The most is below the least: nobody can match" : undefined}
          data-testid="table-max-messages"
        />
      </fieldset>
    </div>
  );
}

function toWholeNumber(text: string): number {
  const value = Math.floor(Number(text));
  return Number.isFinite(value) && value > 0 ? Math.min(value, 1_000_000_000) : 0;
}

function SearchIcon() {
  return (
    <svg className="icon users-search-icon" viewBox="0 0 16 16" aria-hidden="true">
      <circle cx="7" cy="7" r="4.5" fill="none" stroke="currentColor" strokeWidth="1.5" />
      <path d="m10.5 10.5 3 3" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
    </svg>
  );
}
