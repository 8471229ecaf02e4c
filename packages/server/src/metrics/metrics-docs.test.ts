// docs/operations.md and the sample Grafana dashboard name the metrics /metrics really has.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { TrackerMeter } from "../ingest/tracker-meter.js";
import { RollcallMetrics } from "./rollcall-metrics.js";

const docs = (file: string) =>
  readFileSync(fileURLToPath(new URL(`../../../../docs/${file}`, import.meta.url)), "utf8");

function registeredNames(): Set<string> {
  const metrics = new RollcallMetrics(
    {
      websocketTabs: () => 0,
      platforms: () => [],
      userCounts: () => ({ total: 0, online: 0, idle: 0 }),
      liveStreams: () => 0,
      writerQueue: () => 0,
      storage: () => "ok",
      presence: () => "ok",
      analytics: () => "ready",
    },
    new TrackerMeter(),
    { database: "sqlite", hasRedis: true },
  );
  return new Set(metrics.registry.getMetricsAsArray().map((metric) => metric.name));
}

/** A series name as a query writes it, back to its metric (histograms add _bucket, _count, _sum). */
function metricOf(series: string, names: Set<string>): string {
  if (names.has(series)) return series;
  return series.replace(/_(bucket|count|sum)$/, "");
}

describe("the operations docs", () => {
  const names = registeredNames();
  const own = [...names].filter((name) => name.startsWith("rollcall_"));

  it("describe every rollcall_ metric, and no other", () => {
    const described = new Set(
      [...docs("operations.md").matchAll(/^\| `(rollcall_[a-z_]+)` \|/gm)].map((m) => m[1]),
    );
    expect([...described].sort()).toEqual(own.sort());
  });

  it("give Grafana a dashboard whose every query reads a metric the server exports", () => {
    const dashboard = JSON.parse(docs("grafana-dashboard.json")) as {
      panels: Array<{ targets?: Array<{ expr: string }> }>;
    };
    const queries = dashboard.panels.flatMap((panel) => panel.targets ?? []);
    expect(queries.length).toBeGreaterThan(20);
    const read = new Set<string>();
    for (const { expr } of queries) {
      for (const [series] of expr.matchAll(/\b(?:rollcall|process|nodejs)_[a-z0-9_]+/g)) {
        read.add(metricOf(series, names));
      }
    }
    for (const metric of read) expect(names.has(metric), metric).toBe(true);
    // Every metric of Rollcall's own is on the dashboard somewhere.
    for (const metric of own) expect(read.has(metric), metric).toBe(true);
  });
});
