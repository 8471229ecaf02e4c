// Percentiles and summaries of latency samples.

/**
 * @param {number[]} sorted ascending
 * @param {number} p 0..100
 */
export function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return /** @type {number} */ (sorted[index]);
}

/**
 * @param {number[]} samples
 * @returns {{ count: number, p50: number, p95: number, p99: number, max: number, mean: number }}
 */
export function summarize(samples) {
  const sorted = Float64Array.from(samples).sort();
  const values = Array.from(sorted);
  let total = 0;
  for (const value of values) total += value;
  return {
    count: values.length,
    p50: round(percentile(values, 50)),
    p95: round(percentile(values, 95)),
    p99: round(percentile(values, 99)),
    max: round(values.at(-1) ?? Number.NaN),
    mean: round(values.length ? total / values.length : Number.NaN),
  };
}

/** @param {number} value */
export function round(value, digits = 2) {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
