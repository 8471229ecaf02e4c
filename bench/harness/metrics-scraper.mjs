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

/**
 * The server's CPU per scrape, which the machine's load does not inflate as it does wall time:
 * its CPU over `count` scrapes in a row, less what it used at the same rate over as long without
 * them (measured just before; what else it does goes on meanwhile).
 * @param {string} url
 * @param {number} pid
 * @param {(pid: number) => number} cpuSeconds
 * @param {number} count
 */
export async function scrapeCpuMs(url, pid, cpuSeconds, count) {
  const quietMs = 3_000;
  const cpu0 = cpuSeconds(pid);
  await new Promise((resolve) => setTimeout(resolve, quietMs));
  const quietRate = (cpuSeconds(pid) - cpu0) / quietMs;
  const cpu1 = cpuSeconds(pid);
  const t0 = performance.now();
  for (let i = 0; i < count; i++) await (await fetch(`${url}/metrics`)).text();
  const wallMs = performance.now() - t0;
  const cpuMs = (cpuSeconds(pid) - cpu1) * 1_000 - quietRate * wallMs * 1_000;
  return Math.max(0, cpuMs / count);
}
