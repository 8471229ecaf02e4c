// The figures as a plain-text table for the terminal.

/**
 * @typedef {{ value: number | null, unit: string, baseline?: number, ratio?: number,
 *   target?: number, ratioTarget?: number, note?: string, higherIsBetter?: boolean }} Figure
 */

/**
 * Whether a figure meets its target (and its ratio target): "yes", "no" or "—".
 * @param {Figure} figure
 */
export function verdict(figure) {
  if (figure.value === null) return "—";
  const checks = [];
  if (figure.target !== undefined) {
    checks.push(
      figure.higherIsBetter ? figure.value >= figure.target : figure.value <= figure.target,
    );
  }
  if (figure.ratioTarget !== undefined && figure.ratio !== undefined) {
    checks.push(figure.ratio <= figure.ratioTarget);
  }
  if (checks.length === 0) return "—";
  return checks.every(Boolean) ? "yes" : "no";
}

/** @param {number | null | undefined} n */
function show(n) {
  if (n === null || n === undefined || Number.isNaN(n)) return "";
  return Math.abs(n) >= 1_000 ? Math.round(n).toLocaleString("en-US") : String(n);
}

/** @param {Figure} figure */
function targetText(figure) {
  const parts = [];
  if (figure.target !== undefined) {
    parts.push(`${figure.higherIsBetter ? "≥" : "≤"} ${show(figure.target)}`);
  }
  if (figure.ratioTarget !== undefined) parts.push(`ratio ≤ ${figure.ratioTarget}`);
  return parts.join(", ");
}

/** @param {Record<string, Figure>} figures */
export function formatTable(figures) {
  const header = ["figure", "value", "unit", "baseline", "ratio", "target", "met"];
  const rows = Object.entries(figures).map(([name, f]) => [
    name,
    f.value === null ? "not measured" : show(f.value),
    f.unit,
    show(f.baseline),
    show(f.ratio),
    targetText(f),
    verdict(f),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  /** @param {string[]} cells */
  const line = (cells) =>
    cells
      .map((c, i) =>
        i === 1 || i === 3 || i === 4 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0),
      )
      .join("  ");
  const notes = Object.entries(figures)
    .filter(([, f]) => f.note)
    .map(([name, f]) => `  ${name}: ${f.note}`);
  return [
    line(header),
    line(widths.map((w) => "-".repeat(w))),
    ...rows.map(line),
    "",
    "notes:",
    ...notes,
  ].join("\n");
}
