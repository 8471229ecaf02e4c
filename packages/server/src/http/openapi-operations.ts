// The OpenAPI paths of the operating surface: /healthz, /readyz and /metrics.
import { errorResponse, unavailable } from "./openapi-errors.js";

/** Either the bearer token (ROLLCALL_METRICS_TOKEN), or none from this machine when it is unset. */
export const metricsTokenScheme = {
  type: "http",
  scheme: "bearer",
  bearerFormat: "ROLLCALL_METRICS_TOKEN",
} as const;

export const operationsPaths = {
  "/healthz": {
    get: {
      summary: "Alive: the process answers (200 whatever its parts' states)",
      responses: {
        "200": {
          description:
            "{ status: ok | degraded, storage: ok | down, database: sqlite | postgres, presence: memory | ok | down, trackerSockets, dashboards, analytics: loading | ready | failed } (analytics: loading while they are read from the file after a start; analytics requests wait for it)",
        },
        "503": unavailable,
      },
    },
  },
  "/readyz": {
    get: {
      summary:
        "Ready: storage answers, Redis answers when configured, the analytics are loaded; for load balancers",
      responses: {
        "200": {
          description:
            '{ status: "ready", storage: "ok", redis: "ok" | "none", analytics: "ready" }',
        },
        "503": errorResponse(
          "not ready; the message names each part that is not (`storage down`, `redis down`, `analytics loading` or `analytics failed`), or shutting down",
          "unavailable",
        ),
      },
    },
  },
  "/metrics": {
    get: {
      summary:
        "Prometheus text exposition (docs/operations.md lists the metrics); with ROLLCALL_METRICS_TOKEN set it needs that bearer token, unset it answers loopback clients only",
      security: [{ metricsToken: [] }, {}],
      responses: {
        "200": { description: "text/plain; version=0.0.4: the metrics" },
        "401": errorResponse(
          "ROLLCALL_METRICS_TOKEN is set and the request has not that bearer token",
          "unauthorized",
        ),
        "403": errorResponse(
          "ROLLCALL_METRICS_TOKEN is unset and the client is not on this machine (loopback)",
          "forbidden",
        ),
        "503": unavailable,
      },
    },
  },
} as const;
