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

/** Cells with no one at all get this neutral tint, so "nobody" never looks like "a few". */
export const EMPTY_COLOR = "#f4f4f5";
/** Light to dark, the accent's family; the scale runs between them. */
const LIGHT: Rgb = [224, 231, 255];
const DARK: Rgb = [49, 46, 129];

type Rgb = [number, number, number];

/**
 * Position 0..1 of `value` on a square-root scale up to `max`: one busy outlier compresses the
 * top of the scale instead of pushing every other cell down to the palest colour.
 */
export function scaleLevel(value: number, max: number): number {
  if (!(value > 0) || !(max > 0)) return 0;
  return Math.min(1, Math.sqrt(value) / Math.sqrt(max));
}

/** The fill for `value`; anything above zero is at least faintly tinted. */
export function cellColor(value: number, max: number): string {
  if (!(value > 0)) return EMPTY_COLOR;
  const level = 0.08 + 0.92 * scaleLevel(value, max);
  const rgb = LIGHT.map((channel, index) => Math.round(channel + (DARK[index]! - channel) * level));
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
export function legendStops(max: number, count = 5): LegendStop[] {
  if (!(max > 0)) return [{ value: 0, color: EMPTY_COLOR }];
  return Array.from({ length: count }, (_, index) => {
    const level = index / (count - 1);
    const value = max * level * level;
    return { value, color: cellColor(value, max) };
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
