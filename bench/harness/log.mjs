// Progress lines on stderr, with the seconds since the run began.
const started = performance.now();

/** @param {string} message */
export function log(message) {
  const seconds = ((performance.now() - started) / 1_000).toFixed(1).padStart(6);
  process.stderr.write(`[${seconds}s] ${message}\n`);
}

/** @param {number} ms */
export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
