// Refresh now, the Auto-refresh mode and the Last updated time.

import type { StreamStatus } from "../live/presence-stream";
import { type RefreshMode, refreshModes } from "../live/use-live-presence";
import { formatClock } from "../ui/time-format";

interface LiveControlsProps {
  mode: RefreshMode;
  onModeChange: (mode: RefreshMode) => void;
  onRefresh: () => void;
  lastUpdatedAt: number | null;
  status: StreamStatus;
  hasPendingChanges: boolean;
}

const STATUS_TEXT: Record<StreamStatus, string> = {
  open: "Connected to live updates",
  connecting: "Connecting to live updates…",
  interrupted: "Live updates interrupted",
};

export function LiveControls({
  mode,
  onModeChange,
  onRefresh,
  lastUpdatedAt,
  status,
  hasPendingChanges,
}: LiveControlsProps) {
  return (
    <div className="live-controls">
      <span className={`connection connection-${status}`} title={STATUS_TEXT[status]}>
        <span className="connection-dot" aria-hidden="true" />
        <span className="visually-hidden">{STATUS_TEXT[status]}</span>
      </span>
      <span className="last-updated" data-testid="last-updated">
        Last updated{" "}
        <time dateTime={lastUpdatedAt ? new Date(lastUpdatedAt).toISOString() : undefined}>
          {lastUpdatedAt ? formatClock(lastUpdatedAt) : "—"}
        </time>
      </span>
      <label className="inline-field">
        <span>Auto-refresh</span>
        <select
          className="select"
          value={mode}
          onChange={(event) => onModeChange(toRefreshMode(event.target.value))}
          data-testid="refresh-mode"
        >
          {refreshModes.map((option) => (
            <option key={option.mode} value={option.mode}>
              {option.label}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        className={hasPendingChanges && mode === "off" ? "button has-pending" : "button"}
        onClick={onRefresh}
        data-testid="refresh-now"
        title={hasPendingChanges && mode === "off" ? "New changes are waiting" : undefined}
      >
        <RefreshIcon />
        Refresh now
        {hasPendingChanges && mode === "off" ? (
          <span className="pending-dot">
            <span className="visually-hidden">(new changes waiting)</span>
          </span>
        ) : null}
      </button>
    </div>
  );
}

function toRefreshMode(value: string): RefreshMode {
  return refreshModes.find((option) => option.mode === value)?.mode ?? "5s";
}

function RefreshIcon() {
  return (
    <svg className="icon" viewBox="0 0 16 16" aria-hidden="true">
      <path
        d="M13.5 8a5.5 5.5 0 1 1-1.6-3.9M13.5 2.5v3h-3"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.5"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}
