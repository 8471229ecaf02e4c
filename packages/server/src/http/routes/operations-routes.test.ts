// /metrics read as Prometheus would after real activity, its protection, and /healthz vs /readyz.
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import type { PresenceSummary } from "@rollcall/protocol";
import pino from "pino";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { parsePrometheusText, type Sample, sampleValue } from "../../testing/prometheus-text.js";
import {
  eventually,
  startTestRollcall,
  TEST_SECRET,
  type TestRollcall,
  TestTab,
} from "../../testing/test-rollcall.js";
import { clientOrigin } from "../client-origin.js";
import { createHttpServer } from "../http-server.js";
import { Router } from "../router.js";
import { addOperationsRoutes, type Readiness } from "./operations-routes.js";

const TOKEN = "metrics-token-0123456789abcdef";
const SUMMARY_ROUTE = "/api/v1/apps/:app/analytics/users/summary";

const servers: TestRollcall[] = [];
const tabs: TestTab[] = [];
afterAll(async () => {
  for (const tab of tabs) tab.close();
  for (const server of servers) await server.stop();
});

async function start(env: Record<string, string> = {}): Promise<TestRollcall> {
  const server = await startTestRollcall(env);
  servers.push(server);
  return server;
}

async function scrape(server: TestRollcall, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}/metrics`, { headers });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(await response.text());
}

const value = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  sampleValue(samples, name, labels);

describe("/metrics after real activity", () => {
  it("shows the tab, the users by status, the events, the routes and the parts' health", async () => {
    const server = await start();
    const other = await start();
    const viewer = { authorization: `Bearer ${await server.viewerToken("owner")}` };

    const tab = new TestTab(server.url, "tab-ada-1");
    tabs.push(tab);
    const welcome = await tab.open(await server.userToken("ada"), {
      path: "/",
      title: "Home",
      app: "math",
    });
    expect(welcome, JSON.stringify(welcome)).toMatchObject({ t: "welcome" });
    // Heard from well within 2 × the tests' 1-s heartbeat, however slow the machine.
    const beats = setInterval(() => tab.send({ t: "hb" }), 250);
    tab.send({ t: "event", id: "ws-1", name: "message", ts: Date.now() });
    expect(await tab.next(20_000)).toMatchObject({ t: "ack", ids: ["ws-1"] });
    const posted = await fetch(`${server.url}/api/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_SECRET}`, "content-type": "application/json" },
      body: JSON.stringify({
        events: [1, 2, 3].map((i) => ({ id: `b-${i}`, user: "bo", name: "message", app: "math" })),
      }),
    });
    expect(posted.status).toBe(200);
    const analytics = await fetch(
      `${server.url}/api/v1/apps/math/analytics/users/summary?range=7d&tz=UTC`,
      { headers: viewer },
    );
    expect(analytics.status).toBe(200);

    // A refused frame on another tab: counted by the code the tracker was told.
    const rude = new TestTab(server.url, "tab-rude-1");
    tabs.push(rude);
    await rude.open(await server.userToken("cy"));
    rude.sendRaw("not json");
    const refusal = await rude.next(20_000);
    expect(refusal.t).toBe("error");
    await rude.closed(20_000);

    // What a Grafana panel shows, and the presence API's figures beside it (read on both sides
    // of the scrape: a user going idle meanwhile means reading again).
    const summaryNow = async () => {
      const presence = await fetch(`${server.url}/api/v1/presence`, { headers: viewer });
      return ((await presence.json()) as { summary: PresenceSummary }).summary;
    };
    const { samples, summary } = await eventually(async () => {
      const before = await summaryNow();
      const now = await scrape(server);
      const after = await summaryNow();
      if (JSON.stringify(before) !== JSON.stringify(after)) return undefined;
      return value(now, "rollcall_tracker_websocket_tabs") === 1
        ? { samples: now, summary: after }
        : undefined;
    }, 20_000);
    expect(summary.online + summary.idle).toBe(1);
    expect(value(samples, "rollcall_users", { platform: "default", status: "online" })).toBe(
      summary.online,
    );
    expect(value(samples, "rollcall_users", { platform: "default", status: "idle" })).toBe(
      summary.idle,
    );
    expect(value(samples, "rollcall_users", { platform: "default", status: "offline" })).toBe(
      summary.offline,
    );
    expect(value(samples, "rollcall_users", { platform: "default" })).toBe(summary.totalUsers);
    expect(
      value(samples, "rollcall_tracker_messages_total", { transport: "ws", type: "hello" }),
    ).toBe(2);
    expect(
      value(samples, "rollcall_tracker_messages_total", { transport: "ws", type: "event" }),
    ).toBe(1);
    expect(
      value(samples, "rollcall_tracker_refusals_total", {
        transport: "ws",
        code: (refusal as { code: string }).code,
      }),
    ).toBe(1);
    expect(value(samples, "rollcall_events_committed_total")).toBe(4);
    expect(value(samples, "rollcall_facts_written_total")).toBeGreaterThanOrEqual(4);
    expect(value(samples, "rollcall_fact_writer_commit_seconds_count")).toBeGreaterThan(0);
    expect(value(samples, "rollcall_fact_writer_queue")).toBeGreaterThanOrEqual(0);
    expect(value(samples, "rollcall_fact_writer_failures_total")).toBe(0);

    // Routes are their patterns, never the raw path (bounded label values).
    const summaryCount = {
      route: SUMMARY_ROUTE,
      method: "GET",
      status: "200",
    };
    expect(value(samples, "rollcall_http_request_duration_seconds_count", summaryCount)).toBe(1);
    expect(
      value(samples, "rollcall_http_request_duration_seconds_count", {
        route: "/api/v1/events",
        method: "POST",
        status: "200",
      }),
    ).toBe(1);
    const routes = new Set(
      samples.filter((s) => s.labels.route !== undefined).map((s) => s.labels.route),
    );
    expect([...routes].some((route) => route?.includes("/math/"))).toBe(false);
    expect(
      value(samples, "rollcall_analytics_query_duration_seconds_count", { view: "summary" }),
    ).toBe(1);

    expect(value(samples, "rollcall_analytics_ready")).toBe(1);
    expect(value(samples, "rollcall_analytics_state", { state: "ready" })).toBe(1);
    expect(value(samples, "rollcall_storage_up", { database: "sqlite" })).toBe(1);
    expect(value(samples, "rollcall_redis_up")).toBeUndefined();
    expect(value(samples, "rollcall_live_streams")).toBe(0);
    // The process: memory and event-loop delay (prom-client's default metrics).
    expect(value(samples, "process_resident_memory_bytes")).toBeGreaterThan(0);
    expect(value(samples, "nodejs_heap_size_used_bytes")).toBeGreaterThan(0);
    expect(value(samples, "nodejs_eventloop_lag_p99_seconds")).toBeGreaterThanOrEqual(0);

    // Another server in the same process keeps its own figures.
    const elsewhere = await scrape(other);
    expect(value(elsewhere, "rollcall_tracker_websocket_tabs")).toBe(0);
    expect(value(elsewhere, "rollcall_events_committed_total")).toBe(0);

    clearInterval(beats);
    tab.close();
    await eventually(async () => {
      const now = await scrape(server);
      return value(now, "rollcall_tracker_websocket_tabs") === 0 ? true : undefined;
    }, 20_000);
  }, 60_000);

  it("counts the HTTP transport's messages and refusals", async () => {
    const server = await start();
    const batch = async (token: string) =>
      fetch(`${server.url}/api/v1/track`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          hello: {
            t: "hello",
            v: 1,
            token,
            tab: "tab-http-01",
            page: { path: "/m", title: "M", app: "math" },
            visible: true,
          },
          messages: [
            { t: "page", page: { path: "/m/2", title: "M2", app: "math" } },
            { t: "event", id: "ok-1", name: "message", ts: Date.now() },
            { t: "event", id: "zero", name: "message", ts: 0 },
          ],
        }),
      });
    expect((await batch(await server.userToken("dee"))).status).toBe(200);
    expect((await batch("not-a-token")).status).toBe(401);
    const samples = await scrape(server);
    const http = (type: string) =>
      value(samples, "rollcall_tracker_messages_total", { transport: "http", type });
    expect([http("hello"), http("page"), http("event"), http("hb")]).toEqual([2, 2, 4, 0]);
    const refused = (code: string) =>
      value(samples, "rollcall_tracker_refusals_total", { transport: "http", code });
    // Both batches were received; the first's event dated 1970 was refused, the second whole.
    expect(refused("unprocessable")).toBe(1);
    expect(refused("token_invalid")).toBe(1);
    expect(value(samples, "rollcall_events_committed_total")).toBe(1);
    expect(
      value(samples, "rollcall_http_request_duration_seconds_count", {
        route: "/api/v1/track",
        status: "401",
      }),
    ).toBe(1);
  });

  it("counts the live streams and the bytes they were sent", async () => {
    const server = await start();
    const controller = new AbortController();
    const stream = await fetch(`${server.url}/api/v1/presence/stream`, {
      headers: { authorization: `Bearer ${await server.viewerToken("owner")}` },
      signal: controller.signal,
    });
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    const first = await reader.read();
    const samples = await eventually(async () => {
      const now = await scrape(server);
      return value(now, "rollcall_live_streams") === 1 ? now : undefined;
    }, 20_000);
    expect(value(samples, "rollcall_live_stream_bytes_total")).toBeGreaterThanOrEqual(
      first.value!.byteLength,
    );
    controller.abort();
    await reader.cancel().catch(() => undefined);
    await eventually(async () => {
      const now = await scrape(server);
      return value(now, "rollcall_live_streams") === 0 ? true : undefined;
    }, 20_000);
  }, 60_000);
});

describe("/metrics protection", () => {
  it("with ROLLCALL_METRICS_TOKEN, needs that bearer token (401 otherwise)", async () => {
    const server = await start({ ROLLCALL_METRICS_TOKEN: TOKEN });
    const none = await fetch(`${server.url}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toBe("Bearer");
    expect(await none.json()).toMatchObject({ error: { code: "unauthorized" } });
    const wrong = await fetch(`${server.url}/metrics`, {
      headers: { authorization: `Bearer ${TOKEN}x` },
    });
    expect(wrong.status).toBe(401);
    const basic = await fetch(`${server.url}/metrics`, {
      headers: { authorization: `Basic ${Buffer.from(`u:${TOKEN}`).toString("base64")}` },
    });
    expect(basic.status).toBe(401);
    const samples = await scrape(server, { authorization: `Bearer ${TOKEN}` });
    expect(value(samples, "rollcall_storage_up")).toBe(1);
  });

  it("without a token, answers loopback clients only, a trusted proxy's remote clients refused", async () => {
    const server = await start({ ROLLCALL_TRUST_PROXY: "true" });
    expect((await fetch(`${server.url}/metrics`)).status).toBe(200);
    const local = await fetch(`${server.url}/metrics`, {
      headers: { "x-forwarded-for": "127.0.0.1" },
    });
    expect(local.status).toBe(200);
    const remote = await fetch(`${server.url}/metrics`, {
      headers: { "x-forwarded-for": "127.0.0.1, 203.0.113.7" },
    });
    expect(remote.status).toBe(403);
    expect(await remote.json()).toMatchObject({ error: { code: "forbidden" } });
  });
});

describe("/healthz and /readyz", () => {
  let stop: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await stop?.();
    stop = null;
  });

  it("a started server is alive and ready", async () => {
    const server = await start();
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const ready = await eventually(async () => {
      const response = await fetch(`${server.url}/readyz`);
      return response.status === 200 ? response : undefined;
    }, 20_000);
    expect(await ready.json()).toEqual({
      status: "ready",
      storage: "ok",
      redis: "none",
      analytics: "ready",
    });
    // A fresh install's panels show zeros, not "no data".
    const samples = await scrape(server);
    for (const status of ["online", "idle", "offline"]) {
      expect(value(samples, "rollcall_users", { platform: "default", status })).toBe(0);
    }
  });

  it("/readyz says 503 with each part that is not ready while /healthz stays 200", async () => {
    let parts: Readiness = { storage: "ok", redis: "ok", analytics: "loading" };
    const router = new Router();
    addOperationsRoutes(router, {
      health: () => ({
        status: "ok",
        database: "sqlite",
        storage: "ok",
        presence: "memory",
        trackerSockets: 0,
        dashboards: 0,
        analytics: parts.analytics,
      }),
      readiness: () => parts,
      metrics: { text: async () => ({ contentType: "text/plain", body: "" }) },
      metricsToken: null,
      origin: clientOrigin(false),
    });
    const server = createHttpServer(router, pino({ level: "silent" }));
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    stop = () => new Promise((resolve) => server.close(() => resolve()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const readyz = async () => {
      const response = await fetch(`${url}/readyz`);
      return { status: response.status, body: (await response.json()) as unknown };
    };

    expect(await readyz()).toEqual({
      status: 503,
      body: { error: { code: "unavailable", message: "not ready: analytics loading" } },
    });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    parts = { storage: "down", redis: "down", analytics: "ready" };
    expect(await readyz()).toMatchObject({
      status: 503,
      body: { error: { message: "not ready: storage down; redis down" } },
    });
    parts = { storage: "ok", redis: "ok", analytics: "ready" };
    expect(await readyz()).toEqual({ status: 200, body: { status: "ready", ...parts } });
  });
});
