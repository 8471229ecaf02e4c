// The Users analytics headline cards: their names, and the one rule for a count's change.

/** The summary's counts in the cards' order, each with the card's label. */
export const SUMMARY_CARDS = [
  { metric: "currentlyOnline", label: "Currently logged in" },
  { metric: "active30d", label: "Active in last 30 days" },
  { metric: "totalRegistered", label: "Total registered" },
  { metric: "activeInRange", label: "Active in range" },
] as const;

export type SummaryMetric = (typeof SUMMARY_CARDS)[number]["metric"];

export interface CountChange {
  /** now − before */
  delta: number;
  /** The delta as a whole percentage of `before`, signed; null when there was nobody before. */
  percent: number | null;
}

/**
 * A count against the period before: the card's "▲ 12% (+3)" and the CSV's change columns. The
 * percentage rounds its size half up and keeps the sign, so a rise and a fall of the same size
 * read the same.
 */
export function countChange(now: number, before: number): CountChange {
  const delta = now - before;
  if (before === 0) return { delta, percent: null };
  const size = Math.round((Math.abs(delta) / before) * 100);
  return { delta, percent: delta < 0 ? -size : size };
}
