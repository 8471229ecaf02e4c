// The user table's filters: text search, "inactive for N days" and a minimum of messages.
import { useEffect, useState } from "react";
import { useDebouncedValue } from "../ui/use-debounced-value";
import type { TableView } from "./analytics-view";

const TYPING_DEBOUNCE_MS = 300;
const INACTIVE_CHOICES = [7, 14, 30, 60, 90];

interface TableFiltersProps {
  table: TableView;
  onChange: (change: Partial<TableView>) => void;
}

export function TableFilters({ table, onChange }: TableFiltersProps) {
  const [searchInput, setSearchInput] = useState(table.q);
  const [minInput, setMinInput] = useState(table.minMessages > 0 ? String(table.minMessages) : "");
  const search = useDebouncedValue(searchInput, TYPING_DEBOUNCE_MS);
  const minText = useDebouncedValue(minInput, TYPING_DEBOUNCE_MS);

  // Typed values reach the URL (and the server) once typing pauses.
  useEffect(() => {
    if (search.trim() !== table.q.trim()) onChange({ q: search });
  }, [search, table.q, onChange]);
  useEffect(() => {
    const value = toWholeNumber(minText);
    if (value !== table.minMessages) onChange({ minMessages: value });
  }, [minText, table.minMessages, onChange]);

  const inactiveChoices =
    table.inactiveDays === null || INACTIVE_CHOICES.includes(table.inactiveDays)
      ? INACTIVE_CHOICES
      : [...INACTIVE_CHOICES, table.inactiveDays].sort((a, b) => a - b);

  return (
    <div className="table-filters">
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
      <label className="inline-field">
        Min. messages
        <input
          className="input number-input"
          type="number"
          inputMode="numeric"
          min={0}
          step={1}
          placeholder="0"
          value={minInput}
          onChange={(event) => setMinInput(event.target.value)}
          data-testid="table-min-messages"
        />
      </label>
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
