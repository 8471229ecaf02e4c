// Schemas of the OpenAPI document: response shapes, and request shapes turned from the zod schemas that validate them.
import { z } from "zod";
import { formatBytes } from "./openapi-errors.js";

/** Viewer endpoints take a viewer token or the session cookie. */
export const viewerSecurity = [{ viewerToken: [] }, { sessionCookie: [] }];

/** The JSON Schema of what `schema` accepts (its input), so bounds and defaults cannot drift. */
export function inputSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });
  return rest;
}

/** A JSON request body of at most `maxBytes` (413 beyond), shaped by the schema that checks it. */
export function jsonBody(schema: z.ZodType, maxBytes: number, note = "") {
  return {
    required: true,
    description: `JSON of at most ${formatBytes(maxBytes)}.${note ? ` ${note}` : ""}`,
    "x-max-body-bytes": maxBytes,
    content: { "application/json": { schema: inputSchema(schema) } },
  };
}

/** One query parameter per property of an object schema. */
export function queryParameters(schema: z.ZodObject): Array<Record<string, unknown>> {
  const json = inputSchema(schema) as { properties: Record<string, unknown> };
  return Object.entries(json.properties).map(([name, property]) => ({
    name,
    in: "query",
    schema: property,
  }));
}

export const errorSchema = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: { type: "string", description: "Stable code; README lists them" },
        message: { type: "string", description: "Names the field: `events[3].name: …`" },
      },
    },
  },
};

export const presenceUser = {
  type: "object",
  required: [
    "id",
    "name",
    "email",
    "role",
    "status",
    "currentPage",
    "sessionStartedAt",
    "activeForSeconds",
    "lastSeenAt",
    "connections",
  ],
  properties: {
    id: { type: "string" },
    name: { type: "string" },
    email: { type: "string" },
    role: { type: "string" },
    status: { type: "string", enum: ["online", "idle", "offline"] },
    currentPage: {
      oneOf: [
        { type: "null" },
        {
          type: "object",
          properties: {
            path: { type: "string" },
            title: { type: "string" },
            app: { type: ["string", "null"] },
          },
        },
      ],
    },
    sessionStartedAt: { type: ["string", "null"], format: "date-time" },
    activeForSeconds: { type: ["integer", "null"] },
    lastSeenAt: { type: ["string", "null"], format: "date-time" },
    connections: { type: "integer" },
  },
};

export const presenceSummary = {
  type: "object",
  properties: {
    totalUsers: { type: "integer", description: "Registered platform users" },
    online: { type: "integer", description: "Users with status online (not idle)" },
    idle: { type: "integer" },
    offline: { type: "integer" },
    avgSessionSeconds: {
      type: "integer",
      description:
        "Mean duration of the sessions that overlap the last 24 hours, ongoing ones counted up to now",
    },
    avgSessionGrowth: {
      type: "number",
      description:
        "Seconds avgSessionSeconds gains per second while nobody comes or goes (ongoing sessions ÷ sessions counted): dashboards tick with it between updates",
    },
  },
};

export const analyticsParameters = [
  {
    name: "app",
    in: "path",
    required: true,
    schema: { type: "string" },
    description: "App id, or _all for the whole platform",
  },
  {
    name: "range",
    in: "query",
    schema: { type: "string", enum: ["today", "7d", "30d", "custom"], default: "7d" },
  },
  {
    name: "from",
    in: "query",
    schema: { type: "string", format: "date" },
    description: "custom: first local date, inclusive",
  },
  {
    name: "to",
    in: "query",
    schema: { type: "string", format: "date" },
    description: "custom: last local date, inclusive",
  },
  {
    name: "tz",
    in: "query",
    schema: { type: "string", default: "UTC" },
    description: "IANA time zone of the viewer",
  },
];

/** The table's own query parameters (sort, filters, paging, format), beside the range's. */
export const tableQueryParameters = [
  {
    name: "sort",
    in: "query",
    schema: { type: "string", enum: ["name", "messagesSent", "lastActiveAt"] },
  },
  { name: "order", in: "query", schema: { type: "string", enum: ["asc", "desc"] } },
  { name: "q", in: "query", schema: { type: "string" } },
  {
    name: "members",
    in: "query",
    schema: { type: "string", enum: ["active", "all"], default: "active" },
    description:
      "active: users active in the range (as many as activeInRange of the summary); all: every user known to the app (for _all every registered user), to find who never came back",
  },
  {
    name: "inactiveDays",
    in: "query",
    schema: { type: "integer", minimum: 0 },
    description: "only users whose last activity in the app is N days or more before now, or never",
  },
  {
    name: "minMessages",
    in: "query",
    schema: { type: "integer", minimum: 0 },
    description: "at least this many messages in the range",
  },
  {
    name: "maxMessages",
    in: "query",
    schema: { type: "integer", minimum: 0 },
    description: "at most this many messages in the range (not below minMessages)",
  },
  {
    name: "role",
    in: "query",
    schema: { type: "string" },
    description: "only users of this role: the whole role, ignoring letter case",
  },
  {
    name: "limit",
    in: "query",
    schema: { type: "integer", minimum: 1, maximum: 1000, default: 50 },
  },
  { name: "offset", in: "query", schema: { type: "integer", minimum: 0 } },
  { name: "format", in: "query", schema: { type: "string", enum: ["json", "csv"] } },
];

export const presencePage = {
  description: "One page of users",
  content: {
    "application/json": {
      schema: {
        type: "object",
        properties: {
          updatedAt: { type: "string", format: "date-time" },
          summary: { $ref: "#/components/schemas/PresenceSummary" },
          users: { type: "array", items: { $ref: "#/components/schemas/PresenceUser" } },
          matched: { type: "integer" },
          nextCursor: { type: ["string", "null"] },
        },
      },
    },
  },
};

export const tableParameters = [...analyticsParameters, ...tableQueryParameters];
