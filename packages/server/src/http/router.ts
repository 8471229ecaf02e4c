// A small method + path router: `/api/v1/presence/users/:id` patterns, params decoded.
import type { IncomingMessage, ServerResponse } from "node:http";
import { AppError } from "../errors/app-error.js";
import type { BodyBudget } from "./body-budget.js";

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
  /** The server's budget for bodies being read: pass the context to readJson. */
  bodies: BodyBudget;
}

export type Handler = (ctx: RequestContext) => Promise<void> | void;

interface Route {
  method: string;
  /** As given to on(): a bounded label for metrics, never the raw path. */
  pattern: string;
  parts: string[];
  handler: Handler;
}

export class Router {
  private readonly routes: Route[] = [];

  on(method: string, pattern: string, handler: Handler): this {
    this.routes.push({ method, pattern, parts: pattern.split("/").filter(Boolean), handler });
    return this;
  }

  /** Every route added so far, in order: what the API description is checked against. */
  list(): Array<{ method: string; pattern: string }> {
    return this.routes.map(({ method, pattern }) => ({ method, pattern }));
  }

  /** Finds the handler; throws not_found or method_not_allowed. */
  match(
    method: string,
    path: string,
  ): { handler: Handler; params: Record<string, string>; pattern: string } | null {
    const segments = path.split("/").filter(Boolean);
    let isPathKnown = false;
    for (const route of this.routes) {
      const params = matchParts(route.parts, segments);
      if (!params) continue;
      isPathKnown = true;
      if (route.method === method || (route.method === "GET" && method === "HEAD")) {
        return { handler: route.handler, params, pattern: route.pattern };
      }
    }
    if (isPathKnown) throw new AppError("method_not_allowed", `${method} is not allowed here`);
    return null;
  }
}

function matchParts(parts: string[], segments: string[]): Record<string, string> | null {
  if (parts.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const segment = segments[i]!;
    if (part.startsWith(":")) {
      try {
        params[part.slice(1)] = decodeURIComponent(segment);
      } catch {
        throw new AppError("bad_request", `path segment ${i + 1} is not valid percent-encoding`);
      }
    } else if (part !== segment) {
      return null;
    }
  }
  return params;
}
