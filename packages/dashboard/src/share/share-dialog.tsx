// The Share dialog of the Users page: make a read-only link to this report, and manage the app's links.
import { useCallback, useRef, useState } from "react";
import type { AnalyticsView } from "../analytics/analytics-view";
import { useApiData } from "../analytics/use-api-data";
import { addDays } from "../analytics/zoned-date";
import { ApiError } from "../api/api-client";
import { CopyButton } from "../ui/copy-button";
import { useDialogFocus } from "../ui/use-dialog-focus";
import { createShareLink, type ShareLinkInfo, shareLinksPath, shareUrl } from "./share-api";
import { ShareLinkList } from "./share-link-list";
import "./share.css";

const DAY_MS = 86_400_000;
/** The longest a link may live (the server's bound). */
const MAX_DAYS = 90;
const EXPIRY_CHOICES = [
  { value: "1", label: "1 day" },
  { value: "7", label: "7 days" },
  { value: "30", label: "30 days" },
  { value: "custom", label: "Until a date…" },
] as const;

interface ShareDialogProps {
  app: string;
  title: string;
  view: AnalyticsView;
  /** What the report's range is called, with its dates: "Past 7 days (1 Dec – 7 Dec 2026)". */
  rangeText: string;
  onClose: () => void;
}

export function ShareDialog({ app, title, view, rangeText, onClose }: ShareDialogProps) {
  const panelRef = useRef<HTMLDivElement>(null);
  useDialogFocus(panelRef, onClose);
  const links = useApiData<{ links: ShareLinkInfo[] }>(shareLinksPath(app));
  const [expiry, setExpiry] = useState<string>("7");
  const today = localDate(Date.now());
  const [until, setUntil] = useState(addDays(today, 14));
  const [label, setLabel] = useState("");
  const [includeTable, setIncludeTable] = useState(false);
  const [isSaving, setIsSaving] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [made, setMade] = useState<ShareLinkInfo | null>(null);
  const reload = links.retry;

  const create = useCallback(async () => {
    const expiresAt = expiryInstant(expiry, until);
    if (expiresAt === null) {
      setProblem(`Pick a last day from tomorrow to ${MAX_DAYS - 1} days from today.`);
      return;
    }
    setIsSaving(true);
    setProblem(null);
    try {
      const link = await createShareLink(app, {
        range: view.range,
        ...(view.range === "custom" ? { from: view.from, to: view.to } : {}),
        tz: view.tz,
        includeTable,
        expiresAt: new Date(expiresAt).toISOString(),
        ...(label.trim() ? { label: label.trim() } : {}),
      });
      setMade(link);
      reload();
    } catch (error) {
      setProblem(error instanceof ApiError ? error.message : "The link could not be made.");
    } finally {
      setIsSaving(false);
    }
  }, [app, view, includeTable, expiry, until, label, reload]);

  return (
    <div className="dialog-layer">
      <div className="dialog-backdrop" onClick={onClose} aria-hidden="true" />
      <div
        ref={panelRef}
        className="dialog share-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="share-title"
        aria-describedby="share-lead"
        tabIndex={-1}
        data-testid="share-dialog"
      >
        <header className="dialog-header">
          <h2 id="share-title">Share this report</h2>
          <button
            type="button"
            className="icon-button"
            onClick={onClose}
            aria-label="Close"
            title="Close (Esc)"
          >
            ×
          </button>
        </header>
        <div className="dialog-body">
          <p id="share-lead" className="share-lead">
            Anyone with the link can open <strong>{title}</strong>'s Users report for{" "}
            <strong>{rangeText}</strong> ({view.tz}) without signing in: read-only, nothing else of
            Rollcall, until it expires or is revoked.
            {view.range === "custom"
              ? null
              : " The range moves with the days: whoever opens it later sees the same span up to that day."}
          </p>
          <form
            className="share-form"
            onSubmit={(event) => {
              event.preventDefault();
              void create();
            }}
          >
            <div className="share-row">
              <label className="field">
                Expires after
                <select
                  className="select"
                  value={expiry}
                  onChange={(event) => setExpiry(event.target.value)}
                  data-testid="share-expiry"
                >
                  {EXPIRY_CHOICES.map((choice) => (
                    <option key={choice.value} value={choice.value}>
                      {choice.label}
                    </option>
                  ))}
                </select>
              </label>
              {expiry === "custom" ? (
                <label className="field">
                  Last day
                  <input
                    className="input"
                    type="date"
                    value={until}
                    min={addDays(today, 1)}
                    max={addDays(today, MAX_DAYS - 1)}
                    onChange={(event) => setUntil(event.target.value)}
                    data-testid="share-until"
                  />
                </label>
              ) : null}
              <label className="field share-label-field">
                Label (optional)
                <input
                  className="input"
                  value={label}
                  maxLength={120}
                  placeholder="e.g. For the school board"
                  onChange={(event) => setLabel(event.target.value)}
                />
              </label>
            </div>
            <label className="share-check">
              <input
                type="checkbox"
                checked={includeTable}
                onChange={(event) => setIncludeTable(event.target.checked)}
                aria-describedby="share-table-note"
                data-testid="share-include-table"
              />
              <span>
                Include the user table
                <span id="share-table-note" className="share-note">
                  Names, emails and message counts become visible to anyone with the link.
                </span>
              </span>
            </label>
            {problem ? (
              <div className="alert alert-error" role="alert">
                {problem}
              </div>
            ) : null}
            <div className="share-actions">
              <button
                type="submit"
                className="button button-primary"
                disabled={isSaving}
                data-testid="share-create"
              >
                {isSaving ? "Creating…" : "Create link"}
              </button>
            </div>
          </form>
          {made ? <MadeLink link={made} /> : null}
          <ShareLinkList app={app} links={links} tz={view.tz} onRevoked={reload} />
        </div>
      </div>
    </div>
  );
}

function MadeLink({ link }: { link: ShareLinkInfo }) {
  const url = shareUrl(link);
  return (
    <div className="share-made" role="status" data-testid="share-made">
      <label className="field">
        Link ready: copy it and send it
        <input
          className="input share-url"
          readOnly
          value={url}
          onFocus={(event) => event.target.select()}
          data-testid="share-url"
        />
      </label>
      <CopyButton text={() => url} label="Copy link" testId="share-copy" />
    </div>
  );
}

/** `YYYY-MM-DD` of an instant in the browser's zone. */
function localDate(at: number): string {
  const date = new Date(at);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** When the chosen expiry ends: N days from now, or the end of the chosen day (browser's zone). */
function expiryInstant(choice: string, until: string): number | null {
  if (choice !== "custom") return Date.now() + Number(choice) * DAY_MS;
  const [year, month, day] = until.split("-").map(Number);
  if (!year || !month || !day) return null;
  const end = new Date(year, month - 1, day + 1).getTime() - 60_000;
  return end > Date.now() + DAY_MS / 24 && end <= Date.now() + MAX_DAYS * DAY_MS ? end : null;
}
