// Scrapes a server's /metrics on a period, as Prometheus would: time per scrape, size, tabs seen.
import { summarize } from "./stats.mjs";

/**
 * Starts scraping `url`/metrics every `everyMs` (one scrape at a time); `stop()` ends it and
 * returns the scrape times (ms), the last body's size and the last `rollcall_tracker_websocket_tabs`.
 * @param {string} url
 * @param {number} everyMs
 */
export function scrapeMetrics(url, everyMs) {
  /** @type {number[]} */
  const times = [];
  let bytes = 0;
  /** @type {number | null} */
  let tabs = null;
  let failures = 0;
  let isStopped = false;
  const once = async () => {
    const t0 = performance.now();
    try {
      const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(10_000) });
      const body = await response.text();
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      times.push(performance.now() - t0);
      bytes = Buffer.byteLength(body);
      const match = /^rollcall_tracker_websocket_tabs (\d+)$/m.exec(body);
      tabs = match ? Number(match[1]) : null;
    } catch {
      failures++;
    }
  };
  const running = (async () => {
    while (!isStopped) {
      const started = performance.now();
      await once();
      const wait = everyMs - (performance.now() - started);
      if (wait > 0 && !isStopped) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  })();
  return {
    async stop() {
      isStopped = true;
      await running;
      return { scrapeMs: summarize(times), bytes, tabs, failures };
    },
  };
}
