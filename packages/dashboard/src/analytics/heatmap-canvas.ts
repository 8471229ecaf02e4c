// Draws the access-times heatmap on a canvas, for the PNG export: grid, labels and the legend.
import { cellColor, formatAverage, type HeatmapCell, legendStops } from "./heatmap-scale";
import { CHART_FONT } from "./png-export";
import { pad, WEEKDAY_NAMES } from "./zoned-date";

const CELL_W = 30;
const CELL_H = 26;
const GAP = 2;
const LABEL_W = 40;
const HEADER_H = 20;
const LEGEND_H = 44;

/** The grid drawn at `scale` device pixels per CSS pixel; `scale` comes back for the title step. */
export function drawHeatmap(
  grid: readonly (readonly HeatmapCell[])[],
  max: number,
  scale: number,
): HTMLCanvasElement {
  const width = LABEL_W + 24 * (CELL_W + GAP);
  const height = HEADER_H + 7 * (CELL_H + GAP) + LEGEND_H;
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  const ctx = canvas.getContext("2d");
  if (!ctx) return canvas;
  ctx.scale(scale, scale);
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, width, height);

  ctx.font = `11px ${CHART_FONT}`;
  ctx.fillStyle = "#71717a";
  ctx.textBaseline = "middle";
  ctx.textAlign = "center";
  for (let hour = 0; hour < 24; hour += 3) {
    ctx.fillText(pad(hour), LABEL_W + hour * (CELL_W + GAP) + CELL_W / 2, HEADER_H / 2);
  }
  ctx.textAlign = "left";
  grid.forEach((row, dayIndex) => {
    const y = HEADER_H + dayIndex * (CELL_H + GAP);
    ctx.fillStyle = "#71717a";
    ctx.fillText(WEEKDAY_NAMES[dayIndex] ?? "", 0, y + CELL_H / 2);
    row.forEach((cell, hour) => {
      ctx.fillStyle = cellColor(cell.average, max);
      roundRect(ctx, LABEL_W + hour * (CELL_W + GAP), y, CELL_W, CELL_H, 3);
    });
  });

  const legendY = HEADER_H + 7 * (CELL_H + GAP) + 14;
  ctx.fillStyle = "#71717a";
  ctx.fillText("Average users (square-root scale):", LABEL_W, legendY + 7);
  let x = LABEL_W + ctx.measureText("Average users (square-root scale):").width + 12;
  for (const stop of legendStops(max)) {
    ctx.fillStyle = stop.color;
    roundRect(ctx, x, legendY, 22, 14, 3);
    ctx.fillStyle = "#3f3f46";
    const label = formatAverage(stop.value);
    ctx.fillText(label, x + 26, legendY + 7);
    x += 26 + ctx.measureText(label).width + 14;
  }
  return canvas;
}

function roundRect(
  ctx: CanvasRenderingContext2D,
  x: number,
  y: number,
  width: number,
  height: number,
  radius: number,
) {
  ctx.beginPath();
  ctx.roundRect(x, y, width, height, radius);
  ctx.fill();
}
