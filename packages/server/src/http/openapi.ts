// The OpenAPI 3.1 description of Rollcall's HTTP API, served at /api/docs/openapi.json: generated
// from the route lists below and the zod schemas the routes validate with and answer from.
import {
  errorBodySchema,
  presenceChangeEventSchema,
  presenceSnapshotEventSchema,
  presenceSummarySchema,
  presenceUserSchema,
} from "@rollcall/protocol";
import { z } from "zod";
import { SESSION_COOKIE } from "../auth/session-cookie.js";
import { type ErrorResponse, formatBytes } from "./openapi-errors.js";
import { ingestRoutes } from "./openapi-ingest.js";
import { operationsRoutes } from "./openapi-operations.js";
import { API_TAGS, type ApiAuth, type ApiRequestBody, type ApiRoute } from "./openapi-route.js";
import { shareRoutes } from "./openapi-share.js";
import { signInRoutes } from "./openapi-sign-in.js";
import { viewerApiRoutes } from "./openapi-viewer-api.js";

/** Every route of the API; a new route adds its entry to one of these lists. */
export const API_ROUTES: readonly ApiRoute[] = [
  ...viewerApiRoutes,
  ...shareRoutes,
  ...signInRoutes,
  ...ingestRoutes,
  ...operationsRoutes,
];

/** Schemas named in the document though no route answers with them alone. */
const SHARED_SCHEMAS: Record<string, z.ZodType> = {
  Error: errorBodySchema(),
  PresenceUser: presenceUserSchema,
  PresenceSummary: presenceSummarySchema,
  PresenceSnapshotEvent: presenceSnapshotEventSchema,
  PresenceChangeEvent: presenceChangeEventSchema,
};

type JsonSchema = Record<string, unknown>;

const SCHEMA_REF = "#/components/schemas/";

/** A string with a format (date-time) needs no copy of zod's long regular expression for it. */
function dropFormatPattern({ jsonSchema }: { jsonSchema: JsonSchema }): void {
  if (jsonSchema.format !== undefined) delete jsonSchema.pattern;
}

/** The JSON Schema of what `schema` accepts (its input), so bounds and defaults cannot drift. */
function inputSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    io: "input",
    unrepresentable: "any",
    override: dropFormatPattern,
  });
  return rest;
}

/** One parameter per property of an object schema, required when the schema requires it. */
function parameters(schema: z.ZodObject, where: "path" | "query"): JsonSchema[] {
  const json = inputSchema(schema) as {
    properties: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(json.properties).map(([name, { description, ...property }]) => ({
    name,
    in: where,
    ...(where === "path" || json.required?.includes(name) ? { required: true } : {}),
    ...(description ? { description } : {}),
    schema: property,
  }));
}

function requestBody({ schema, maxBytes }: ApiRequestBody): JsonSchema {
  return {
    required: true,
    description: `JSON of at most ${formatBytes(maxBytes)}.`,
    "x-max-body-bytes": maxBytes,
    content: { "application/json": { schema: inputSchema(schema) } },
  };
}

const retryAfter = {
  "Retry-After": {
    description: "Seconds to wait before retrying",
    schema: { type: "integer", minimum: 1 },
  },
};

function errorReply({ description, codes, hasRetryAfter }: ErrorResponse): JsonSchema {
  const schema = z.toJSONSchema(errorBodySchema(codes), { io: "output" });
  delete schema.$schema;
  return {
    description,
    content: { "application/json": { schema } },
    ...(hasRetryAfter ? { headers: retryAfter } : {}),
  };
}

const SECURITY: Record<ApiAuth, JsonSchema[] | null> = {
  viewer: [{ viewerToken: [] }, { sessionCookie: [] }],
  backend: [{ platformSecret: [] }],
  // Either the bearer token, or none from this machine when ROLLCALL_METRICS_TOKEN is unset.
  metrics: [{ metricsToken: [] }, {}],
  none: null,
};

/** The operation object of one route; its JSON replies are named in `named`. */
function operation(route: ApiRoute, named: Map<string, z.ZodType>): JsonSchema {
  const replies = Object.entries(route.replies).map(([status, reply]) => {
    const content: JsonSchema = {};
    if (reply.json) {
      const earlier = named.get(reply.json.name);
      if (earlier && earlier !== reply.json.schema) {
        throw new Error(`two schemas named ${reply.json.name}`);
      }
      named.set(reply.json.name, reply.json.schema);
      content["application/json"] = { schema: { $ref: `${SCHEMA_REF}${reply.json.name}` } };
    }
    for (const [media, { description }] of Object.entries(reply.media ?? {})) {
      content[media] = { schema: { type: "string", description } };
    }
    const hasContent = Object.keys(content).length > 0;
    return [status, { description: reply.description, ...(hasContent ? { content } : {}) }];
  });
  const errors = Object.entries(route.errors).map(([status, error]) => [status, errorReply(error)]);
  const security = SECURITY[route.auth];
  return {
    tags: [API_TAGS[route.tag]],
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    ...(security ? { security } : {}),
    ...(route.params || route.query
      ? {
          parameters: [
            ...(route.params ? parameters(route.params, "path") : []),
            ...(route.query ? parameters(route.query, "query") : []),
          ],
        }
      : {}),
    ...(route.body ? { requestBody: requestBody(route.body) } : {}),
    responses: Object.fromEntries([...replies, ...errors]),
  };
}

/** Every named schema as JSON Schema, those inside others as references to them. */
function componentSchemas(named: Map<string, z.ZodType>): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of named) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    io: "output",
    uri: (id) => `${SCHEMA_REF}${id}`,
    override: dropFormatPattern,
  });
  return Object.fromEntries(
    Object.entries(schemas).map(([id, { $schema: _, $id: __, ...schema }]) => [id, schema]),
  );
}

export function buildOpenApiDocument(routes: readonly ApiRoute[]) {
  const named = new Map(Object.entries(SHARED_SCHEMAS));
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const methods = paths[route.path] ?? {};
    paths[route.path] = methods;
    if (methods[route.method]) throw new Error(`${route.method} ${route.path} listed twice`);
    methods[route.method] = operation(route, named);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Rollcall API",
      version: "1",
      description:
        "Real-time presence and activity analytics. Viewer endpoints take a viewer token (Authorization: Bearer) or the session cookie set by /embed or the login page; the platform comes from it. Backend endpoints take the platform secret as a bearer token. Errors are JSON { error: { code, message } }; 429 and 503 carry Retry-After. Any request may get 503 while the server shuts down. Every GET also answers HEAD: the same status and headers, no body.",
    },
    tags: Object.values(API_TAGS).map((name) => ({ name })),
    components: {
      securitySchemes: {
        viewerToken: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT (aud rollcall:view, HS256)",
        },
        sessionCookie: { type: "apiKey", in: "cookie", name: SESSION_COOKIE },
        platformSecret: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "the platform signing secret",
        },
        metricsToken: { type: "http", scheme: "bearer", bearerFormat: "ROLLCALL_METRICS_TOKEN" },
      },
      schemas: componentSchemas(named),
    },
    paths,
  };
}

export const openApiDocument = buildOpenApiDocument(API_ROUTES);
