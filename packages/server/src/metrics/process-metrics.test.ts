// The process metrics: memory, CPU and event-loop delay, without those that list every socket.
import { describe, expect, it } from "vitest";
import { processRegistry } from "./process-metrics.js";

describe("the process metrics", () => {
  it("are made once per process, cheap to scrape whatever the number of sockets", async () => {
    expect(processRegistry()).toBe(processRegistry());
    const text = await processRegistry().metrics();
    for (const name of [
      "process_resident_memory_bytes",
      "process_cpu_seconds_total",
      "process_max_fds",
      "nodejs_heap_size_used_bytes",
      "nodejs_eventloop_lag_p99_seconds",
    ]) {
      expect(text).toMatch(new RegExp(`^${name} `, "m"));
    }
    expect(text).not.toMatch(/^process_open_fds /m);
    expect(text).not.toMatch(/^nodejs_active_handles/m);
  });
});
