// The API description of the operating surface: /healthz, /readyz and /metrics.
import { errorResponse, unavailable } from "./openapi-errors.js";
import { type ApiRoute, jsonReply } from "./openapi-route.js";
import { healthSchema, readyResponseSchema } from "./routes/operations-routes.js";

export const operationsRoutes: ApiRoute[] = [
  {
    method: "get",
    path: "/healthz",
    tag: "operations",
    summary: "Alive: the process answers (200 whatever its parts' states)",
    auth: "none",
    replies: { 200: jsonReply("The node's parts", "Health", healthSchema) },
    errors: { 503: unavailable },
  },
  {
    method: "get",
    path: "/readyz",
    tag: "operations",
    summary:
      "Ready: storage answers, Redis answers when configured, the analytics are loaded; for load balancers",
    auth: "none",
    replies: { 200: jsonReply("Ready", "Ready", readyResponseSchema) },
    errors: {
      503: errorResponse(
        "not ready; the message names each part that is not (`storage down`, `redis down`, `analytics loading` or `analytics failed`), or shutting down",
        "unavailable",
      ),
    },
  },
  {
    method: "get",
    path: "/metrics",
    tag: "operations",
    summary: "Prometheus text exposition (docs/operations.md lists the metrics)",
    description:
      "With ROLLCALL_METRICS_TOKEN set it needs that bearer token; unset, it answers loopback clients only.",
    auth: "metrics",
    replies: {
      200: {
        description: "The metrics",
        media: { "text/plain": { description: "Prometheus text format 0.0.4" } },
      },
    },
    errors: {
      401: errorResponse(
        "ROLLCALL_METRICS_TOKEN is set and the request has not that bearer token",
        "unauthorized",
      ),
      403: errorResponse(
        "ROLLCALL_METRICS_TOKEN is unset and the client is not on this machine (loopback)",
        "forbidden",
      ),
      503: unavailable,
    },
  },
];
