// The active-users chart's y axis: whole-number steps and a round top with a little headroom.

/** Steps the y axis may use; all whole numbers, since users are counted whole. */
export const Y_INCREMENTS = [
  1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1_000, 2_000, 2_500, 5_000, 10_000, 20_000, 50_000,
  100_000,
];

/** The y-axis top for a largest bar of `max`: at least 4, so a few users don't fill the chart. */
export function yAxisTop(max: number): number {
  if (!(max > 4)) return 4;
  const step = Y_INCREMENTS.find((incr) => max / incr <= 5) ?? 10 ** Math.ceil(Math.log10(max));
  return Math.ceil((max * 1.08) / step) * step;
}
