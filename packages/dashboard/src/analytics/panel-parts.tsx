// What every panel on the Users page shares: its loading, error and empty states, and a PNG button.
import { type ReactNode, useState } from "react";
import type { ApiError } from "../api/api-client";

export interface PanelStatus {
  isLoading: boolean;
  error: ApiError | null;
  onRetry: () => void;
  /** Why nothing can be asked for now (an impossible custom range), or null. */
  blockedBy?: string | null;
  /** The range ended before today: an empty one will stay empty. */
  isPastRange?: boolean;
}

interface PanelBodyProps {
  status: PanelStatus;
  hasData: boolean;
  isEmpty: boolean;
  skeletonHeight: number;
  emptyHint?: string;
  children: ReactNode;
}

/** The panel's content, or a skeleton before the first answer, an error, or the empty state. */
export function PanelBody({
  status,
  hasData,
  isEmpty,
  skeletonHeight,
  emptyHint,
  children,
}: PanelBodyProps) {
  if (status.error) return <PanelError error={status.error} onRetry={status.onRetry} />;
  if (!hasData && status.blockedBy) {
    return (
      <div
        className="panel-empty"
        style={{ minHeight: skeletonHeight }}
        data-testid="range-blocked"
      >
        <p className="panel-empty-title">Nothing to show for this range</p>
        <p className="muted">{status.blockedBy} Pick other dates above.</p>
      </div>
    );
  }
  if (!hasData) {
    return (
      <div
        className="skeleton panel-skeleton"
        style={{ height: skeletonHeight }}
        role="status"
        aria-label="Loading"
      />
    );
  }
  if (isEmpty) {
    return (
      <div className="panel-empty" style={{ minHeight: skeletonHeight }} data-testid="no-activity">
        <EmptyChartIcon />
        <p className="panel-empty-title">
          {status.isPastRange ? "No activity in this range" : "No activity in this range yet"}
        </p>
        <p className="muted">
          {status.isPastRange
            ? "Nobody was active here on these dates. Pick other dates, or a range up to today."
            : (emptyHint ??
              "Pick a longer range, or come back once people have used this app. Activity shows up as it happens.")}
        </p>
      </div>
    );
  }
  return <>{children}</>;
}

/** What failed and what to do; `subject` names what did not load ("the counts"). */
export function PanelError({
  error,
  onRetry,
  subject = "this",
}: {
  error: ApiError;
  onRetry: () => void;
  subject?: string;
}) {
  // A dropped connection has no message from the server worth more than the headline and advice.
  const detail = error.status === 0 ? "" : error.message;
  return (
    <div className="alert alert-error panel-error" role="alert" data-testid="panel-error">
      <span>
        <strong>{headlineFor(error, subject)}</strong> {detail} {adviceFor(error)}
      </span>
      <button type="button" className="button button-small" onClick={onRetry}>
        Try again
      </button>
    </div>
  );
}

function headlineFor(error: ApiError, subject: string): string {
  if (error.status === 0) return "Can't reach Rollcall.";
  if (error.status === 400) return "The server refused this view.";
  if (error.status === 403) return "Not allowed.";
  if (error.status === 429) return "Too many requests.";
  return `Couldn't load ${subject}.`;
}

function adviceFor(error: ApiError): string {
  if (error.status === 0) return "Check your connection, then try again.";
  if (error.status === 400) return "Check the dates and the time zone above.";
  if (error.status === 429) {
    return error.retryAfterSeconds
      ? `Wait ${Math.ceil(error.retryAfterSeconds)} s, then try again.`
      : "Wait a moment, then try again.";
  }
  if (error.status >= 500) return "The server had a problem; try again in a moment.";
  return "";
}

interface ExportButtonProps {
  onExport: () => Promise<void>;
  isDisabled: boolean;
  testId: string;
}

export function ExportButton({ onExport, isDisabled, testId }: ExportButtonProps) {
  const [problem, setProblem] = useState<string | null>(null);
  const handleClick = () => {
    setProblem(null);
    onExport().catch((failure: unknown) =>
      setProblem(failure instanceof Error ? failure.message : "Export failed."),
    );
  };
  return (
    <span className="export-button">
      {problem ? (
        <span className="export-problem" role="alert">
          {problem}
        </span>
      ) : null}
      <button
        type="button"
        className="button button-small"
        onClick={handleClick}
        disabled={isDisabled}
        title="Download this chart as a PNG image"
        data-testid={testId}
      >
        <DownloadIcon />
        PNG
      </button>
    </span>
  );
}

export function DownloadIcon() {
  return (
    <svg className="icon" viewBox="0 0 16 16" aria-hidden="true">
      <path
        d="M8 2.5v7.5m0 0 3-3m-3 3-3-3M3 12.5h10"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.5"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}

function EmptyChartIcon() {
  return (
    <svg className="panel-empty-icon" viewBox="0 0 32 32" aria-hidden="true">
      <path
        d="M5 26.5h22M9 22v-5M14.5 22v-9M20 22v-3M25.5 22V9"
        fill="none"
        stroke="currentColor"
        strokeWidth="2"
        strokeLinecap="round"
      />
    </svg>
  );
}
