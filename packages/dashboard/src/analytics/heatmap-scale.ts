// The heatmap's square-root colour scale, its legend, and what a cell says on hover.
import { pad, WEEKDAY_NAMES } from "./zoned-date";

export interface HeatmapCell {
  /** 1 = Monday … 7 = Sunday */
  weekday: number;
  /** Local hour 0–23 */
  hour: number;
  average: number;
  total: number;
  occurrences: number;
}

type Rgb = [number, number, number];

export type HeatmapTheme = "light" | "dark";

/**
 * Per theme: the neutral tint of cells with no one at all (so "nobody" never looks like "a few"),
 * and the ends of the scale in the accent's family. On the light page more is darker; on the dark
 * page more is brighter, so the busiest hours stand out from the background in both.
 */
const PALETTES: Record<HeatmapTheme, { empty: string; low: Rgb; high: Rgb }> = {
  light: { empty: "#f4f4f5", low: [224, 231, 255], high: [49, 46, 129] },
  dark: { empty: "#222733", low: [46, 48, 104], high: [199, 210, 254] },
};

export const EMPTY_COLOR = PALETTES.light.empty;

/**
 * Position 0..1 of `value` on a square-root scale up to `max`: one busy outlier compresses the
 * top of the scale instead of pushing every other cell down to the palest colour.
 */
export function scaleLevel(value: number, max: number): number {
  if (!(value > 0) || !(max > 0)) return 0;
  return Math.min(1, Math.sqrt(value) / Math.sqrt(max));
}

/** The fill for `value`; anything above zero is at least faintly tinted. */
export function cellColor(value: number, max: number, theme: HeatmapTheme = "light"): string {
  const { empty, low, high } = PALETTES[theme];
  if (!(value > 0)) return empty;
  const level = 0.08 + 0.92 * scaleLevel(value, max);
  const rgb = low.map((channel, index) => Math.round(channel + (high[index]! - channel) * level));
  return `rgb(${rgb[0]} ${rgb[1]} ${rgb[2]})`;
}

/** Text on a cell this colour must be white to read. */
export function isDarkCell(value: number, max: number): boolean {
  return scaleLevel(value, max) > 0.55;
}

export function maxAverage(cells: readonly HeatmapCell[]): number {
  return cells.reduce((max, cell) => Math.max(max, cell.average), 0);
}

export interface LegendStop {
  value: number;
  color: string;
}

/** `count` swatches evenly spaced on the scale (so their values grow as squares), 0 to max. */
export function legendStops(max: number, count = 5, theme: HeatmapTheme = "light"): LegendStop[] {
  if (!(max > 0)) return [{ value: 0, color: PALETTES[theme].empty }];
  return Array.from({ length: count }, (_, index) => {
    const level = index / (count - 1);
    const value = max * level * level;
    return { value, color: cellColor(value, max, theme) };
  });
}

/** "3.4", "0.25", "12": averages with as many decimals as help. */
export function formatAverage(value: number): string {
  if (value === 0) return "0";
  if (value >= 10) return value.toFixed(0);
  if (value >= 1) return stripZeros(value.toFixed(1));
  return stripZeros(value.toFixed(2)) || "0";
}

/** "Tue 14:00 — average 3.4 users (total 17 over 5 days)" */
export function describeCell(cell: HeatmapCell): string {
  const when = `${WEEKDAY_NAMES[cell.weekday - 1] ?? "?"} ${pad(cell.hour)}:00`;
  const users = cell.average === 1 ? "user" : "users";
  const days = cell.occurrences === 1 ? "day" : "days";
  return `${when} — average ${formatAverage(cell.average)} ${users} (total ${cell.total} over ${cell.occurrences} ${days})`;
}

/** The 7 × 24 grid, Monday first, whatever order (or gaps) the cells came in. */
export function toGrid(cells: readonly HeatmapCell[]): HeatmapCell[][] {
  const byKey = new Map(cells.map((cell) => [`${cell.weekday}:${cell.hour}`, cell]));
  return WEEKDAY_NAMES.map((_, dayIndex) =>
    Array.from(
      { length: 24 },
      (_, hour) =>
        byKey.get(`${dayIndex + 1}:${hour}`) ?? {
          weekday: dayIndex + 1,
          hour,
          average: 0,
          total: 0,
          occurrences: 0,
        },
    ),
  );
}

function stripZeros(text: string): string {
  return text.replace(/\.?0+$/, "");
}
