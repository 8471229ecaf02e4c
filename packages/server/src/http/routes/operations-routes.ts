// For load balancers and Prometheus: /healthz (alive), /readyz (able to serve), /metrics.
import { z } from "zod";
import { AppError, toAppError } from "../../errors/app-error.js";
import { checkMetricsAccess } from "../../metrics/metrics-access.js";
import type { AnalyticsState, RollcallMetrics } from "../../metrics/rollcall-metrics.js";
import type { ClientOrigin } from "../client-origin.js";
import { sendJson } from "../http-io.js";
import type { Router } from "../router.js";

const analyticsStates = ["loading", "ready", "failed"] as const satisfies readonly AnalyticsState[];
const analyticsStateSchema = z
  .enum(analyticsStates)
  .describe("loading while they are read from the file after a start; analytics requests wait");

/** What /readyz checks: each part as it is now. */
export const readinessSchema = z.object({
  storage: z.enum(["ok", "down"]),
  redis: z.enum(["ok", "down", "none"]).describe("none: presence is in memory (no Redis)"),
  analytics: analyticsStateSchema,
});
export type Readiness = z.infer<typeof readinessSchema>;

/** GET /readyz when every part is ready. */
export const readyResponseSchema = z.object({
  status: z.literal("ready"),
  storage: z.literal("ok"),
  redis: z.enum(["ok", "none"]),
  analytics: z.literal("ready"),
});

/** GET /healthz: the node's state, answered with 200 whatever it says. */
export const healthSchema = z.object({
  status: z.enum(["ok", "degraded"]),
  database: z.enum(["sqlite", "postgres"]),
  storage: z
    .enum(["ok", "down"])
    .describe("down: writes fail or the database does not answer (events refused, analytics 503)"),
  presence: z
    .enum(["memory", "ok", "down"])
    .describe("memory (one node), or the shared Redis: ok / down (presence changes refused)"),
  trackerSockets: z.number().int().min(0),
  dashboards: z.number().int().min(0),
  analytics: analyticsStateSchema,
});
export type Health = z.infer<typeof healthSchema>;

export interface OperationsRoutesDeps {
  /** The node's state, answered by /healthz with 200 whatever it says. */
  health: () => Health;
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
    const body: z.infer<typeof readyResponseSchema> = {
      status: "ready",
      storage: "ok",
      redis: parts.redis === "none" ? "none" : "ok",
      analytics: "ready",
    };
    sendJson(res, 200, body);
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
