// One server's Prometheus metrics: its own registry, gauges read when scraped, cheap counters.
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { TrackerMeter } from "../ingest/tracker-meter.js";
import { KIND_ORDER } from "../storage/fact-writer.js";
import type { Storage } from "../storage/storage.js";
import { processRegistry } from "./process-metrics.js";

/** What the gauges read at scrape time; every call is cheap (no pass over users or tabs). */
export interface MetricSources {
  /** This node's tracker tabs on WebSocket (hello answered). */
  websocketTabs(): number;
  /** Platforms with registered users. */
  platforms(): Iterable<string>;
  /** A platform's registered users, and how many of them are online and idle now. */
  userCounts(platform: string): { total: number; online: number; idle: number };
  /** Open live streams (dashboards on SSE) on this node. */
  liveStreams(): number;
  /** Facts waiting in the fact writer. */
  writerQueue(): number;
  storage(): "ok" | "down";
  /** "memory" (no Redis), or the shared Redis: "ok" / "down". */
  presence(): "memory" | "ok" | "down";
  analytics(): AnalyticsState;
}

export type AnalyticsState = "loading" | "ready" | "failed";

const ANALYTICS_STATES: readonly AnalyticsState[] = ["loading", "ready", "failed"];
/** The Users analytics views are these routes; their last segment names the view. */
const ANALYTICS_ROUTE = "/api/v1/apps/:app/analytics/users/";
/** Seconds: a request answered from memory in a millisecond up to a slow scan. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Every kind of row a batch holds: its events, then its presence facts. */
const FACT_KINDS = ["events", ...KIND_ORDER] as const;

export class RollcallMetrics {
  /** This server's metrics and the process-wide ones (memory, CPU, event loop, GC). */
  readonly registry: Registry;
  private readonly own = new Registry();
  private readonly httpDuration: Histogram<"route" | "method" | "status">;
  private readonly analyticsDuration: Histogram<"view">;
  private readonly commitDuration: Histogram;
  private readonly commitFailures: Counter;
  private readonly eventsCommitted: Counter;
  private readonly factsWritten: Counter;
  private readonly streamBytes: Counter;

  constructor(
    sources: MetricSources,
    meter: TrackerMeter,
    setup: { database: "sqlite" | "postgres"; hasRedis: boolean },
  ) {
    const registers = [this.own];
    new Gauge({
      name: "rollcall_tracker_websocket_tabs",
      help: "Tracker tabs connected to this node over WebSocket (hello answered)",
      registers,
      collect() {
        this.set(sources.websocketTabs());
      },
    });
    new Gauge({
      name: "rollcall_users",
      help: "Registered users of a platform by status (online, idle, offline), as the presence API counts them",
      labelNames: ["platform", "status"],
      registers,
      collect() {
        this.reset();
        for (const platform of sources.platforms()) {
          const { total, online, idle } = sources.userCounts(platform);
          this.set({ platform, status: "online" }, online);
          this.set({ platform, status: "idle" }, idle);
          this.set({ platform, status: "offline" }, total - online - idle);
        }
      },
    });
    new Counter({
      name: "rollcall_tracker_messages_total",
      help: "Messages trackers sent (hello, page, state, input, hb, event, identify, bye), by transport and type",
      labelNames: ["transport", "type"],
      registers,
      collect() {
        this.reset();
        for (const [transport, counts] of Object.entries(meter.received)) {
          for (const [type, count] of Object.entries(counts)) this.inc({ transport, type }, count);
        }
      },
    });
    new Counter({
      name: "rollcall_tracker_refusals_total",
      help: "Tracker connections, messages and events refused, by transport and error code",
      labelNames: ["transport", "code"],
      registers,
      collect() {
        this.reset();
        for (const [transport, counts] of Object.entries(meter.refused)) {
          for (const [code, count] of counts) this.inc({ transport, code }, count);
        }
      },
    });
    this.httpDuration = new Histogram({
      name: "rollcall_http_request_duration_seconds",
      help: "HTTP requests by route pattern, method and status: seconds until the handler was done (a live stream: until its snapshot was written)",
      labelNames: ["route", "method", "status"],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    new Gauge({
      name: "rollcall_live_streams",
      help: "Live streams (dashboards on Server-Sent Events) open on this node",
      registers,
      collect() {
        this.set(sources.liveStreams());
      },
    });
    this.streamBytes = new Counter({
      name: "rollcall_live_stream_bytes_total",
      help: "Bytes written to live streams, as sent (gzip-compressed when the dashboard asked)",
      registers,
    });
    new Gauge({
      name: "rollcall_fact_writer_queue",
      help: "Facts (presence facts, users, events) waiting for the fact writer's next write",
      registers,
      collect() {
        this.set(sources.writerQueue());
      },
    });
    this.commitDuration = new Histogram({
      name: "rollcall_fact_writer_commit_seconds",
      help: "Seconds each of the fact writer's transactions took to commit",
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.commitFailures = new Counter({
      name: "rollcall_fact_writer_failures_total",
      help: "Fact writer transactions that failed (kept and retried; their events were refused)",
      registers,
    });
    this.factsWritten = new Counter({
      name: "rollcall_facts_written_total",
      help: "Rows the fact writer committed (events, users and presence facts)",
      registers,
    });
    this.eventsCommitted = new Counter({
      name: "rollcall_events_committed_total",
      help: "Events (tracker and backend) committed; a resent id counts again though it is stored once",
      registers,
    });
    new Gauge({
      name: "rollcall_analytics_ready",
      help: "1 when the Users analytics are loaded and answer, 0 while loading or after a failed load",
      registers,
      collect() {
        this.set(sources.analytics() === "ready" ? 1 : 0);
      },
    });
    new Gauge({
      name: "rollcall_analytics_state",
      help: "The analytics load: 1 for the current state (loading, ready, failed), 0 for the others",
      labelNames: ["state"],
      registers,
      collect() {
        const current = sources.analytics();
        for (const state of ANALYTICS_STATES) this.set({ state }, state === current ? 1 : 0);
      },
    });
    this.analyticsDuration = new Histogram({
      name: "rollcall_analytics_query_duration_seconds",
      help: "Seconds to answer a Users analytics view (summary, active-over-time, heatmap, table), successful answers only",
      labelNames: ["view"],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    new Gauge({
      name: "rollcall_storage_up",
      help: "1 when storage answers and writes succeed, 0 when it is down (events are refused)",
      labelNames: ["database"],
      registers,
      collect() {
        this.set({ database: setup.database }, sources.storage() === "ok" ? 1 : 0);
      },
    });
    if (setup.hasRedis) {
      new Gauge({
        name: "rollcall_redis_up",
        help: "1 when the shared Redis answers, 0 when it is down (presence changes refused)",
        registers,
        collect() {
          this.set(sources.presence() === "ok" ? 1 : 0);
        },
      });
    }
    this.registry = Registry.merge([this.own, processRegistry()]);
  }

  /** The HTTP server's request hook. */
  readonly observeRequest = (route: string, method: string, status: number, seconds: number) => {
    this.httpDuration.observe({ route, method, status }, seconds);
    if (route.startsWith(ANALYTICS_ROUTE) && status < 400) {
      this.analyticsDuration.observe({ view: route.slice(ANALYTICS_ROUTE.length) }, seconds);
    }
  };

  /** The live feed's write hook. */
  readonly countStreamBytes = (bytes: number) => this.streamBytes.inc(bytes);

  /** The storage the fact writer writes to, its transactions timed and counted. */
  timedWrites(storage: Pick<Storage, "writeFacts">): Pick<Storage, "writeFacts"> {
    return {
      writeFacts: async (batch) => {
        const end = this.commitDuration.startTimer();
        try {
          await storage.writeFacts(batch);
        } catch (error) {
          this.commitFailures.inc();
          throw error;
        }
        end();
        let rows = 0;
        for (const kind of FACT_KINDS) rows += batch[kind].length;
        if (rows > 0) this.factsWritten.inc(rows);
        if (batch.events.length > 0) this.eventsCommitted.inc(batch.events.length);
      },
    };
  }

  /** The Prometheus text exposition of every metric. */
  async text(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
