// The four headline counts: Currently logged in, Active in last 30 days, Total registered, Active in range.
import { countChange, SUMMARY_CARDS, type SummaryMetric } from "@rollcall/protocol";
import { formatCount } from "../ui/count-format";
import type { UsersSummary } from "./analytics-api";
import { DownloadIcon } from "./panel-parts";

const LABELS = Object.fromEntries(SUMMARY_CARDS.map((card) => [card.metric, card.label])) as Record<
  SummaryMetric,
  string
>;

interface ToplineCardsProps {
  summary: UsersSummary | null;
  rangeLabel: string;
  /** The period "Active in range" is compared with, e.g. "the 7 days before". */
  previousLabel: string;
  isLoading: boolean;
  /** The range cannot be asked: show dashes instead of loading placeholders. */
  isBlocked?: boolean;
  isWholePlatform: boolean;
  /** The counts as CSV (GET …/summary?format=csv); null while the range cannot be asked. */
  csvPath: string | null;
  /** The zone the CSV's times are in. */
  tz: string;
}

export function ToplineCards({
  summary,
  rangeLabel,
  previousLabel,
  isLoading,
  isBlocked = false,
  isWholePlatform,
  csvPath,
  tz,
}: ToplineCardsProps) {
  const share = (value: number) =>
    summary && summary.totalRegistered > 0
      ? `${Math.round((value / summary.totalRegistered) * 100)}% of registered`
      : "of registered users";
  return (
    <section className="metric-section" aria-labelledby="metric-cards-title">
      <div className="metric-section-head">
        <h2 id="metric-cards-title" className="metric-section-title">
          Headline counts
        </h2>
        <a
          className="button button-small"
          href={csvPath ?? undefined}
          aria-disabled={csvPath === null}
          download
          title={`Download these counts with the period before's and the change as CSV (times in ${tz})`}
          data-testid="summary-csv"
        >
          <DownloadIcon />
          CSV<span className="visually-hidden"> of the headline counts</span>
        </a>
      </div>
      <div className={isLoading && summary ? "metric-cards is-updating" : "metric-cards"}>
        <MetricCard
          label={LABELS.currentlyOnline}
          testId="card-currently-online"
          isBlocked={isBlocked}
          value={summary?.currentlyOnline ?? null}
          detail={isWholePlatform ? "online or idle now" : "online or idle in this app now"}
          isLive
        />
        <MetricCard
          label={LABELS.active30d}
          testId="card-active-30d"
          isBlocked={isBlocked}
          value={summary?.active30d ?? null}
          detail={summary ? share(summary.active30d) : ""}
          change={summary ? { now: summary.active30d, before: summary.previous.active30d } : null}
          changeSince="the 30 days before"
        />
        <MetricCard
          label={LABELS.totalRegistered}
          testId="card-total-registered"
          isBlocked={isBlocked}
          value={summary?.totalRegistered ?? null}
          detail={
            isWholePlatform ? "registered platform users" : "users with any activity here, ever"
          }
        />
        <MetricCard
          label={LABELS.activeInRange}
          testId="card-active-in-range"
          isBlocked={isBlocked}
          value={summary?.activeInRange ?? null}
          detail={rangeLabel}
          change={
            summary ? { now: summary.activeInRange, before: summary.previous.activeInRange } : null
          }
          changeSince={previousLabel}
          isAccent
        />
      </div>
    </section>
  );
}

interface MetricCardProps {
  label: string;
  testId: string;
  value: number | null;
  detail: string;
  /** The count now and over the period before, shown as the change between them. */
  change?: { now: number; before: number } | null;
  changeSince?: string;
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
  change,
  changeSince = "",
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
      {change && value !== null ? <ChangeLine change={change} since={changeSince} /> : null}
    </div>
  );
}

/**
 * "▲ 12% (+3) vs the 7 days before": direction in an arrow and in words for screen readers, never
 * in colour alone; "new" when there was nobody before.
 */
function ChangeLine({ change, since }: { change: { now: number; before: number }; since: string }) {
  const { delta, percent } = countChange(change.now, change.before);
  const direction = delta > 0 ? "up" : delta < 0 ? "down" : "same";
  const arrow = direction === "up" ? "▲" : direction === "down" ? "▼" : "=";
  const signed = `${delta > 0 ? "+" : delta < 0 ? "−" : "±"}${formatCount(Math.abs(delta))}`;
  const amount =
    percent === null
      ? delta === 0
        ? "no change"
        : `${signed} (none before)`
      : `${Math.abs(percent)}% (${signed})`;
  const words = direction === "same" ? "no change" : `${direction} ${amount}`;
  return (
    <div
      className={`metric-change metric-change-${direction}`}
      data-testid="metric-change"
      data-before={change.before}
      title={`${formatCount(change.before)} ${since}`}
    >
      <span aria-hidden="true">{arrow}</span> <span className="visually-hidden">{words}</span>
      <span aria-hidden="true">{direction === "same" ? "no change" : amount}</span>{" "}
      <span className="metric-change-since">vs {since}</span>
    </div>
  );
}
