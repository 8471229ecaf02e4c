// The process's own metrics (memory, CPU, event-loop delay, GC, handles): one collector per process.
import { collectDefaultMetrics, Registry } from "prom-client";

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
  }
  return registry;
}
