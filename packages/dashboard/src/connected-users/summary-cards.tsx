// The four headline numbers: Total users, Online now (active · idle), Offline, Avg session.
import type { PresenceSummary } from "@rollcall/protocol";
import type { ReactNode } from "react";
import { formatCount } from "../ui/count-format";
import { formatDuration } from "../ui/time-format";
import { useNow } from "../ui/use-now";

export const AVG_SESSION_TOOLTIP =
  "Mean duration of the sessions that overlap the last 24 hours, ongoing ones counted up to now";

/**
 * The average session `now`: the server's figure as of `asOf`, grown since by its ongoing
 * sessions (`avgSessionGrowth`), so the card ticks beside the table's Active for.
 */
export function avgSessionNow(summary: PresenceSummary, asOf: number | null, now: number): number {
  const growth = summary.avgSessionGrowth ?? 0;
  if (asOf === null || !(growth > 0)) return summary.avgSessionSeconds;
  return summary.avgSessionSeconds + Math.floor((Math.max(0, now - asOf) / 1000) * growth);
}

interface SummaryCardsProps {
  summary: PresenceSummary | null;
  /** The server's time of `summary` (ms), to carry the average session forward from. */
  asOf: number | null;
}

export function SummaryCards({ summary, asOf }: SummaryCardsProps) {
  const now = useNow();
  const avgSession = summary ? avgSessionNow(summary, asOf, now) : null;
  const onlineNow = summary ? summary.online + summary.idle : null;
  const offlineShare =
    summary && summary.totalUsers > 0
      ? `${Math.round((summary.offline / summary.totalUsers) * 100)}% of users`
      : "nobody registered yet";

  return (
    <section className="summary-cards" aria-label="Summary">
      <SummaryCard
        label="Total users"
        testId="summary-total"
        value={summary?.totalUsers ?? null}
        display={summary ? formatCount(summary.totalUsers) : null}
        detail="registered platform users"
      />
      <SummaryCard
        label="Online now"
        testId="summary-online"
        value={onlineNow}
        display={onlineNow === null ? null : formatCount(onlineNow)}
        tone="online"
        detail={
          summary ? (
            <span data-testid="summary-online-split">
              <span className="split-dot split-online" aria-hidden="true" />
              {formatCount(summary.online)} active
              <span className="split-sep" aria-hidden="true">
                ·
              </span>
              <span className="split-dot split-idle" aria-hidden="true" />
              {formatCount(summary.idle)} idle
            </span>
          ) : (
            "active · idle"
          )
        }
      />
      <SummaryCard
        label="Offline"
        testId="summary-offline"
        value={summary?.offline ?? null}
        display={summary ? formatCount(summary.offline) : null}
        detail={offlineShare}
      />
      <SummaryCard
        label="Avg session"
        testId="summary-avg-session"
        value={avgSession}
        display={avgSession === null ? null : formatDuration(avgSession)}
        detail={"sessions in the last 24\u00a0h"}
        tooltip={AVG_SESSION_TOOLTIP}
      />
    </section>
  );
}

interface SummaryCardProps {
  label: string;
  testId: string;
  value: number | null;
  display: string | null;
  detail: ReactNode;
  tone?: "online";
  tooltip?: string;
}

function SummaryCard({ label, testId, value, display, detail, tone, tooltip }: SummaryCardProps) {
  const tooltipId = tooltip ? `${testId}-tooltip` : undefined;
  return (
    <div
      className={tooltip ? "summary-card has-tooltip" : "summary-card"}
      tabIndex={tooltip ? 0 : undefined}
      aria-describedby={tooltipId}
    >
      <div className="summary-label">
        {tone === "online" ? <span className="live-dot" aria-hidden="true" /> : null}
        {label}
        {tooltip ? (
          <span className="info-icon" aria-hidden="true">
            i
          </span>
        ) : null}
      </div>
      <div className="summary-value" data-testid={testId} data-value={value ?? undefined}>
        {display ?? "—"}
      </div>
      <div className="summary-detail">{detail}</div>
      {tooltip ? (
        <div className="tooltip" role="tooltip" id={tooltipId}>
          {tooltip}
        </div>
      ) : null}
    </div>
  );
}
