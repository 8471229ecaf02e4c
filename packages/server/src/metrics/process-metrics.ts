// The process's own metrics (memory, CPU, event-loop delay, GC): one collector per process.
import { collectDefaultMetrics, Registry } from "prom-client";

/**
 * Default metrics that list every open handle or descriptor when scraped, synchronously: with
 * 10,000 sockets open that held the event loop ~140 ms per scrape (process_open_fds alone ~100 ms,
 * a readdir of /proc/self/fd). A tab is a socket, so these would grow with the deployment;
 * rollcall_tracker_websocket_tabs and process_max_fds say what they would.
 */
const PER_HANDLE_METRICS = [
  "process_open_fds",
  "nodejs_active_handles",
  "nodejs_active_handles_total",
  "nodejs_active_resources",
  "nodejs_active_resources_total",
  "nodejs_active_requests",
  "nodejs_active_requests_total",
];

let registry: Registry | null = null;

/**
 * prom-client's default metrics on a registry of their own (never the global one), made once: its
 * event-loop histogram and GC observer cannot be stopped, and every server of the process (tests
 * start several) reports the same process anyway. Each server's registry takes these metrics in.
 */
export function processRegistry(): Registry {
  if (!registry) {
    registry = new Registry();
    collectDefaultMetrics({ register: registry });
    for (const name of PER_HANDLE_METRICS) registry.removeSingleMetric(name);
  }
  return registry;
}
