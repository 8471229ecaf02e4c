// For load balancers and Prometheus: /healthz (alive), /readyz (able to serve), /metrics.

import { AppError, toAppError } from "../../errors/app-error.js";
import { checkMetricsAccess } from "../../metrics/metrics-access.js";
import type { AnalyticsState, RollcallMetrics } from "../../metrics/rollcall-metrics.js";
import type { ClientOrigin } from "../client-origin.js";
import { sendJson } from "../http-io.js";
import type { Router } from "../router.js";

/** What /readyz checks: each part as it is now. */
export interface Readiness {
  storage: "ok" | "down";
  /** "none": presence is in memory (no Redis configured). */
  redis: "ok" | "down" | "none";
  analytics: AnalyticsState;
}

export interface OperationsRoutesDeps {
  /** The node's state, answered by /healthz with 200 whatever it says. */
  health: () => Record<string, unknown>;
  readiness: () => Readiness;
  metrics: Pick<RollcallMetrics, "text">;
  /** ROLLCALL_METRICS_TOKEN; null: /metrics answers loopback clients only. */
  metricsToken: string | null;
  origin: ClientOrigin;
}

export function addOperationsRoutes(router: Router, deps: OperationsRoutesDeps): void {
  // Alive: the process answers (its parts' states are in the body, for people).
  router.on("GET", "/healthz", ({ res }) => sendJson(res, 200, deps.health()));

  // Ready: storage answers, Redis too when configured, and the analytics are loaded.
  router.on("GET", "/readyz", ({ res }) => {
    const parts = deps.readiness();
    const waiting = [
      parts.storage === "down" ? "storage down" : null,
      parts.redis === "down" ? "redis down" : null,
      parts.analytics !== "ready" ? `analytics ${parts.analytics}` : null,
    ].filter((part) => part !== null);
    if (waiting.length > 0) throw new AppError("unavailable", `not ready: ${waiting.join("; ")}`);
    sendJson(res, 200, { status: "ready", ...parts });
  });

  router.on("GET", "/metrics", async ({ req, res }) => {
    try {
      checkMetricsAccess(req, deps.metricsToken, deps.origin);
    } catch (error) {
      if (toAppError(error)?.status === 401) res.setHeader("www-authenticate", "Bearer");
      throw error;
    }
    const { contentType, body } = await deps.metrics.text();
    res.writeHead(200, { "content-type": contentType, "cache-control": "no-store" });
    res.end(body);
  });
}
