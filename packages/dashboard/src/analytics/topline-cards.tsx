// The four headline counts: Currently logged in, Active in last 30 days, Total registered, Active in range.
import { formatCount } from "../ui/count-format";
import type { UsersSummary } from "./analytics-api";

interface ToplineCardsProps {
  summary: UsersSummary | null;
  rangeLabel: string;
  isLoading: boolean;
  /** The range cannot be asked: show dashes instead of loading placeholders. */
  isBlocked?: boolean;
  isWholePlatform: boolean;
}

export function ToplineCards({
  summary,
  rangeLabel,
  isLoading,
  isBlocked = false,
  isWholePlatform,
}: ToplineCardsProps) {
  const share = (value: number) =>
    summary && summary.totalRegistered > 0
      ? `${Math.round((value / summary.totalRegistered) * 100)}% of registered`
      : "of registered users";
  return (
    <section
      className={isLoading && summary ? "metric-cards is-updating" : "metric-cards"}
      aria-label="Headline counts"
    >
      <MetricCard
        label="Currently logged in"
        testId="card-currently-online"
        isBlocked={isBlocked}
        value={summary?.currentlyOnline ?? null}
        detail={isWholePlatform ? "online or idle now" : "online or idle in this app now"}
        isLive
      />
      <MetricCard
        label="Active in last 30 days"
        testId="card-active-30d"
        isBlocked={isBlocked}
        value={summary?.active30d ?? null}
        detail={summary ? share(summary.active30d) : ""}
      />
      <MetricCard
        label="Total registered"
        testId="card-total-registered"
        isBlocked={isBlocked}
        value={summary?.totalRegistered ?? null}
        detail={
          isWholePlatform ? "registered platform users" : "users with any activity here, ever"
        }
      />
      <MetricCard
        label="Active in range"
        testId="card-active-in-range"
        isBlocked={isBlocked}
        value={summary?.activeInRange ?? null}
        detail={rangeLabel}
        isAccent
      />
    </section>
  );
}

interface MetricCardProps {
  label: string;
  testId: string;
  value: number | null;
  detail: string;
  isLive?: boolean;
  isAccent?: boolean;
  isBlocked: boolean;
}

function MetricCard({
  label,
  testId,
  value,
  detail,
  isLive,
  isAccent,
  isBlocked,
}: MetricCardProps) {
  return (
    <div
      className={isAccent ? "metric-card metric-card-accent" : "metric-card"}
      data-testid={testId}
      data-value={value ?? undefined}
    >
      <div className="metric-label">
        {isLive && value !== null ? <span className="metric-live-dot" aria-hidden="true" /> : null}
        {label}
      </div>
      {value === null && isBlocked ? (
        <div className="metric-value muted">—</div>
      ) : value === null ? (
        <div className="skeleton metric-skeleton" aria-hidden="true" />
      ) : (
        <div className="metric-value">{formatCount(value)}</div>
      )}
      <div className="metric-detail">{detail}</div>
    </div>
  );
}
