// Charts of a run as hand-written SVG: figures against targets, Rollcall against the baseline.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { verdict } from "./table.mjs";

const FONT = 'font-family="system-ui, sans-serif" font-size="12"';
const GOOD = "#2f9e44";
const BAD = "#e03131";
const ROLLCALL = "#1971c2";
const BASELINE = "#868e96";

/** @param {string} text */
function escapeXml(text) {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** @param {number} n */
function show(n) {
  return Math.abs(n) >= 1_000 ? Math.round(n).toLocaleString("en-US") : String(n);
}

/**
 * @param {number} width
 * @param {number} height
 * @param {string} title
 * @param {string[]} body
 */
function svg(width, height, title, body) {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT}>`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="16" y="24" font-size="15" font-weight="600">${escapeXml(title)}</text>`,
    ...body,
    "</svg>",
  ].join("\n");
}

/**
 * Each figure as value ÷ target on a log scale; the line at 1 is the target.
 * @param {Record<string, import("./table.mjs").Figure>} figures
 */
export function targetsChart(figures) {
  const rows = Object.entries(figures).filter(
    ([, f]) => f.value !== null && f.target !== undefined,
  );
  // Wide enough for the longest name at ~7 px a character (names with "@100M" run long).
  const left = Math.max(260, 24 + 7 * Math.max(...rows.map(([name]) => name.length)));
  const plot = 420;
  const rowHeight = 26;
  const top = 56;
  const min = Math.log10(0.01);
  const max = Math.log10(100);
  /** @param {number} ratio */
  const x = (ratio) =>
    left + ((Math.log10(Math.min(100, Math.max(0.01, ratio))) - min) / (max - min)) * plot;
  const body = [
    `<text x="16" y="42" fill="#555">value ÷ target, log scale; green meets the target (for throughputs, higher is better)</text>`,
  ];
  for (const tick of [0.01, 0.1, 1, 10, 100]) {
    body.push(
      `<line x1="${x(tick)}" y1="${top - 6}" x2="${x(tick)}" y2="${top + rows.length * rowHeight}" stroke="${tick === 1 ? "#000" : "#ddd"}"/>`,
      `<text x="${x(tick)}" y="${top + rows.length * rowHeight + 16}" text-anchor="middle" fill="#555">${tick}×</text>`,
    );
  }
  rows.forEach(([name, f], i) => {
    const y = top + i * rowHeight;
    const ratio = /** @type {number} */ (f.value) / /** @type {number} */ (f.target);
    const color = verdict(f) === "yes" ? GOOD : BAD;
    const x0 = x(0.01);
    body.push(
      `<text x="${left - 8}" y="${y + 15}" text-anchor="end">${escapeXml(name)}</text>`,
      `<rect x="${x0}" y="${y + 4}" width="${Math.max(1, x(ratio) - x0)}" height="16" fill="${color}" opacity="0.8"/>`,
      `<text x="${left + plot + 8}" y="${y + 15}">${show(/** @type {number} */ (f.value))} ${escapeXml(f.unit)} (target ${show(/** @type {number} */ (f.target))})</text>`,
    );
  });
  return svg(
    left + plot + 260,
    top + rows.length * rowHeight + 32,
    "Figures against targets",
    body,
  );
}

/**
 * Rollcall and the Socket.IO baseline side by side, for each figure that has a baseline.
 * @param {Record<string, import("./table.mjs").Figure>} figures
 */
export function baselineChart(figures) {
  const rows = Object.entries(figures).filter(
    ([, f]) => f.value !== null && f.baseline !== undefined,
  );
  const left = 220;
  const plot = 360;
  // The legend sits on its own line under the subtitle.
  const top = 72;
  const groupHeight = 56;
  const body = [
    `<text x="16" y="42" fill="#555">same load, same run; bars scaled to the larger of the two</text>`,
    `<rect x="${left}" y="${top - 14}" width="10" height="10" fill="${ROLLCALL}"/><text x="${left + 14}" y="${top - 5}">Rollcall</text>`,
    `<rect x="${left + 90}" y="${top - 14}" width="10" height="10" fill="${BASELINE}"/><text x="${left + 104}" y="${top - 5}">Socket.IO baseline</text>`,
  ];
  rows.forEach(([name, f], i) => {
    const y = top + 8 + i * groupHeight;
    const value = /** @type {number} */ (f.value);
    const base = /** @type {number} */ (f.baseline);
    const scale = plot / Math.max(value, base, 1e-9);
    body.push(
      `<text x="${left - 8}" y="${y + 14}" text-anchor="end">${escapeXml(name)}</text>`,
      `<text x="${left - 8}" y="${y + 30}" text-anchor="end" fill="#555">ratio ${f.ratio}</text>`,
      `<rect x="${left}" y="${y}" width="${Math.max(1, value * scale)}" height="18" fill="${ROLLCALL}"/>`,
      `<text x="${left + Math.max(1, value * scale) + 6}" y="${y + 13}">${show(value)} ${escapeXml(f.unit)}</text>`,
      `<rect x="${left}" y="${y + 20}" width="${Math.max(1, base * scale)}" height="18" fill="${BASELINE}"/>`,
      `<text x="${left + Math.max(1, base * scale) + 6}" y="${y + 33}">${show(base)} ${escapeXml(f.unit)}</text>`,
    );
  });
  return svg(
    left + plot + 160,
    top + 16 + rows.length * groupHeight,
    "Rollcall ÷ Socket.IO baseline",
    body,
  );
}

/**
 * Propagation percentiles of both systems (log scale).
 * @param {{ p50: number, p95: number, p99: number, max: number }} rollcall
 * @param {{ p50: number, p95: number, p99: number, max: number }} baseline
 * @param {string} subtitle
 */
export function latencyChart(rollcall, baseline, subtitle) {
  const keys = /** @type {const} */ (["p50", "p95", "p99", "max"]);
  const left = 60;
  const top = 60;
  const height = 240;
  const groupWidth = 120;
  const min = Math.log10(0.1);
  const max = Math.log10(1_000);
  /** @param {number} ms */
  const y = (ms) =>
    top + height - ((Math.log10(Math.min(1_000, Math.max(0.1, ms))) - min) / (max - min)) * height;
  const body = [`<text x="16" y="42" fill="#555">${escapeXml(subtitle)}</text>`];
  for (const tick of [0.1, 1, 10, 100, 1_000]) {
    body.push(
      `<line x1="${left}" y1="${y(tick)}" x2="${left + keys.length * groupWidth}" y2="${y(tick)}" stroke="#ddd"/>`,
      `<text x="${left - 6}" y="${y(tick) + 4}" text-anchor="end" fill="#555">${tick} ms</text>`,
    );
  }
  keys.forEach((key, i) => {
    const x = left + i * groupWidth + 20;
    for (const [j, value, color] of /** @type {const} */ ([
      [0, rollcall[key], ROLLCALL],
      [1, baseline[key], BASELINE],
    ])) {
      const bx = x + j * 40;
      body.push(
        `<rect x="${bx}" y="${y(value)}" width="36" height="${top + height - y(value)}" fill="${color}"/>`,
        `<text x="${bx + 18}" y="${y(value) - 4}" text-anchor="middle" font-size="11">${value}</text>`,
      );
    }
    body.push(`<text x="${x + 38}" y="${top + height + 18}" text-anchor="middle">${key}</text>`);
  });
  body.push(
    `<rect x="${left + 8}" y="${top + height + 30}" width="10" height="10" fill="${ROLLCALL}"/><text x="${left + 22}" y="${top + height + 39}">Rollcall (SSE viewer)</text>`,
    `<rect x="${left + 180}" y="${top + height + 30}" width="10" height="10" fill="${BASELINE}"/><text x="${left + 194}" y="${top + height + 39}">Socket.IO (admin socket)</text>`,
  );
  return svg(
    left + keys.length * groupWidth + 40,
    top + height + 56,
    "Page change → viewer latency",
    body,
  );
}

/**
 * Writes every chart the run's data allows into `dir`; returns the file names.
 * @param {string} dir
 * @param {Record<string, import("./table.mjs").Figure>} figures
 * @param {Record<string, any>} details
 */
export function writeCharts(dir, figures, details) {
  const written = [];
  writeFileSync(join(dir, "figures-vs-targets.svg"), targetsChart(figures));
  written.push("figures-vs-targets.svg");
  writeFileSync(join(dir, "rollcall-vs-socketio.svg"), baselineChart(figures));
  written.push("rollcall-vs-socketio.svg");
  const ws = details["ws-presence"];
  if (ws?.rollcall && ws?.baseline) {
    writeFileSync(
      join(dir, "propagation-latency.svg"),
      latencyChart(
        ws.rollcall.propagation,
        ws.baseline.propagation,
        `${ws.rollcall.tabs.toLocaleString("en-US")} tabs, each changing page every ~30 s`,
      ),
    );
    written.push("propagation-latency.svg");
  }
  return written;
}
