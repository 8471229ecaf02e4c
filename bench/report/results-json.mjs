// Writes bench/results/latest.json (the figures) and details.json (everything measured, untracked);
// a run of some scenarios writes only.json instead.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * @param {string} dir
 * @param {{ figures: Record<string, unknown>, run: Record<string, unknown>, details: Record<string, unknown> }} results
 */
export function writeResults(dir, results) {
  mkdirSync(dir, { recursive: true });
  const figures = `${JSON.stringify({ figures: results.figures, run: results.run }, null, 2)}\n`;
  writeFileSync(join(dir, "latest.json"), figures);
  // A full run is also kept apart: a later quick run replaces latest.json, not the full figures.
  if (results.run.mode === "full") writeFileSync(join(dir, "full.json"), figures);
  writeFileSync(join(dir, "details.json"), `${JSON.stringify(results, null, 2)}\n`);
}

/**
 * A run of some scenarios (`--only`): its figures and details in only.json, so that latest.json
 * stays a whole run's.
 * @param {string} dir
 * @param {{ figures: Record<string, unknown>, run: Record<string, unknown>, details: Record<string, unknown> }} results
 */
export function writeOnlyResults(dir, results) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "only.json"), `${JSON.stringify(results, null, 2)}\n`);
}
