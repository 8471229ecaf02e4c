// The Avg session card's number: sessions of the last 24 h, ongoing ones counted up to the moment asked.

/** The sessions counted at one moment; the ongoing ones keep growing after it. */
export interface SessionAverageSnapshot {
  /** Milliseconds of all the sessions counted, as of `at`. */
  totalMs: number;
  /** Sessions counted (ended in the last 24 hours, waiting out their grace, ongoing). */
  count: number;
  /** Of those, the ongoing ones: each adds a millisecond per millisecond. */
  growing: number;
  at: number;
}

export interface SessionAverage {
  /** Whole seconds. */
  seconds: number;
  /** Seconds the average gains per second while nobody comes or goes (growing ÷ count). */
  growth: number;
}

/** The average at `now` (not before `at`): a snapshot read every few seconds stays current. */
export function sessionAverageAt(snapshot: SessionAverageSnapshot, now: number): SessionAverage {
  if (snapshot.count === 0) return { seconds: 0, growth: 0 };
  const elapsed = Math.max(0, now - snapshot.at);
  const totalMs = snapshot.totalMs + snapshot.growing * elapsed;
  return {
    seconds: Math.round(totalMs / snapshot.count / 1000),
    growth: Math.round((snapshot.growing / snapshot.count) * 10_000) / 10_000,
  };
}
