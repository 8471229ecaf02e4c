// One entry of the API description: a route's method, path, auth and the zod schemas of what it takes and answers.
import type { z } from "zod";
import type { ErrorResponse } from "./openapi-errors.js";

/** Who may call a route: a viewer (token or session), the host platform's backend, a scraper. */
export type ApiAuth = "viewer" | "backend" | "metrics" | "none";

/** An answer that is not an error. */
export interface ApiReply {
  description: string;
  /** application/json, shaped by this schema (the one the handler's body is typed from). */
  json?: { name: string; schema: z.ZodType };
  /** Other media types: `text/csv`, `text/event-stream`, `text/plain`. */
  media?: Record<string, { description: string }>;
}

export interface ApiRequestBody {
  /** The schema the handler validates the body with. */
  schema: z.ZodType;
  /** Largest body read (413 beyond). */
  maxBytes: number;
}

/** The groups the docs list operations under, in this order. */
export const API_TAGS = {
  presence: "Connected users",
  analytics: "Users analytics",
  share: "Share links",
  signIn: "Signing in",
  tracker: "Tracker",
  backend: "Backend",
  operations: "Operations",
} as const;

/** One method on one path: add one to a route list (openapi.ts gathers them) per route added. */
export interface ApiRoute {
  method: "get" | "post" | "put" | "delete";
  /** OpenAPI's form of the router's pattern: `/api/v1/users/{id}` for `/api/v1/users/:id`. */
  path: string;
  tag: keyof typeof API_TAGS;
  summary: string;
  description?: string;
  auth: ApiAuth;
  /** Path parameters, as the schema the handler checks them with. */
  params?: z.ZodObject;
  /** Query parameters, as the schema the handler checks them with. */
  query?: z.ZodObject;
  body?: ApiRequestBody;
  /** Status → answer, for every status that is not an error. */
  replies: Record<number, ApiReply>;
  /** Status → error answer (errorResponse), for every error the route can give. */
  errors: Record<number, ErrorResponse>;
}

/** A JSON reply named `name` among the document's schemas. */
export function jsonReply(description: string, name: string, schema: z.ZodType): ApiReply {
  return { description, json: { name, schema } };
}
