// Settings: one typed schema with defaults, read from the environment once at start and checked.
import { z } from "zod";
import { readSignInConfig, type SignInConfig } from "./oidc-config.js";

const seconds = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

/** Every setting, its environment variable and its default. */
const envSchema = z.object({
  /** HTTP port. */
  PORT: z.coerce.number().int().min(0).max(65535).default(8740),
  /** Interface to listen on. */
  ROLLCALL_HOST: z.string().min(1).default("0.0.0.0"),
  /** Where the embedded SQLite database lives. */
  ROLLCALL_DATA_DIR: z.string().min(1).default("./data"),
  /** postgres://… to use PostgreSQL instead of SQLite. */
  ROLLCALL_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must start with postgres://")
    .optional(),
  /**
   * redis://… to share presence between several nodes. With ROLLCALL_REDIS_CLUSTER, one or more
   * seed nodes of the cluster, comma-separated.
   */
  ROLLCALL_REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/[^,]+(,\s*rediss?:\/\/[^,]+)*$/, "must start with redis://")
    .optional(),
  /** ROLLCALL_REDIS_URL names a Redis Cluster (its seed nodes) rather than one server. */
  ROLLCALL_REDIS_CLUSTER: z.enum(["true", "false", "1", "0"]).default("false"),
  /**
   * Prefix of every Redis key and channel: deployments sharing one Redis need different ones.
   * Letters, digits and `_ - . :` only (it is also used in SCAN patterns).
   */
  ROLLCALL_REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/, "letters, digits and _ - . : only, at most 64")
    .default("rollcall"),
  /** At start, make sure platform `default` exists with this signing secret. */
  ROLLCALL_PLATFORM_SECRET: z.string().min(16, "at least 16 characters").optional(),
  ROLLCALL_HEARTBEAT_SECONDS: seconds(15, 1, 300),
  ROLLCALL_IDLE_SECONDS: seconds(300, 1, 86_400),
  ROLLCALL_SESSION_GRACE_SECONDS: seconds(120, 1, 86_400),
  /**
   * Longest token lifetime: a user or viewer token whose `exp` is further than this from now (or
   * from its `iat`) is refused. A day covers a token signed per page load or per login; with the
   * tracker's `getToken` hook nothing needs longer. At most 7 days.
   */
  ROLLCALL_MAX_TOKEN_SECONDS: seconds(86_400, 60, 604_800),
  /**
   * Longest viewer session (the cookie from /embed or the login page), whatever the lifetime of
   * the token it came from: a working day. Revoke sooner with `rollcall session revoke`.
   */
  ROLLCALL_VIEWER_SESSION_SECONDS: seconds(28_800, 60, 2_592_000),
  /** Event names that count as messages in the Users analytics (comma-separated). */
  ROLLCALL_MESSAGE_EVENTS: z.string().default("message"),
  /** Behind a reverse proxy: believe its X-Forwarded-For / X-Forwarded-Proto. */
  ROLLCALL_TRUST_PROXY: z.enum(["true", "false", "1", "0"]).default("false"),
  /**
   * SameSite of the viewer session cookie. `none` lets /embed work in a cross-site iframe; it needs
   * HTTPS (the cookie is then Secure and Partitioned), so it is refused without ROLLCALL_TRUST_PROXY.
   */
  ROLLCALL_COOKIE_SAMESITE: z.enum(["lax", "strict", "none"]).default("lax"),
  /** Drop raw events older than this many days (rollups keep the charts); unset keeps them. */
  ROLLCALL_EVENT_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).optional(),
  /**
   * Bearer token that /metrics requires (Prometheus' `authorization` setting); from 16 to 256
   * characters. Unset, /metrics answers only clients on this machine (loopback).
   */
  ROLLCALL_METRICS_TOKEN: z
    .string()
    .min(16, "at least 16 characters")
    .max(256, "at most 256 characters")
    .regex(/^[\x21-\x7e]+$/, "printable ASCII without spaces (it is sent in a header)")
    .optional(),
  ROLLCALL_LOG_LEVEL: z
    .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
    .default("info"),
  /**
   * `auto`: human lines when stdout is a terminal, JSON Lines (one object a line) otherwise;
   * `pretty` or `json` to choose.
   */
  ROLLCALL_LOG_FORMAT: z.enum(["auto", "pretty", "json"]).default("auto"),
});

/** Where presence lives: one Redis server, or a Redis Cluster found through its seed nodes. */
export type RedisTarget = { kind: "server"; url: string } | { kind: "cluster"; seeds: string[] };

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | null;
  /** null: presence in memory (one node). */
  redis: RedisTarget | null;
  /** Prefix of Redis keys and channels (default "rollcall"). */
  redisPrefix: string;
  platformSecret: string | null;
  heartbeatMs: number;
  /** An HTTP-transport connection is live while heard from within this. */
  httpLiveMs: number;
  idleMs: number;
  graceMs: number;
  /** ROLLCALL_MAX_TOKEN_SECONDS. */
  maxTokenSeconds: number;
  viewerSessionMs: number;
  messageEvents: string[];
  trustProxy: boolean;
  /** SameSite of the viewer session cookie; "none" implies HTTPS through a trusted proxy. */
  cookieSameSite: z.infer<typeof envSchema>["ROLLCALL_COOKIE_SAMESITE"];
  /** null: keep raw events forever. */
  eventRetentionDays: number | null;
  /** null: /metrics answers loopback clients only. */
  metricsToken: string | null;
  logLevel: z.infer<typeof envSchema>["ROLLCALL_LOG_LEVEL"];
  logFormat: z.infer<typeof envSchema>["ROLLCALL_LOG_FORMAT"];
  /** Operators' single sign-on and whether the password form is on (oidc-config.ts). */
  signIn: SignInConfig;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Reads and checks the settings; throws ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const known = Object.fromEntries(
    Object.keys(envSchema.shape).map((key) => [key, emptyToUndefined(env[key])]),
  );
  const parsed = envSchema.safeParse(known);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`invalid settings:\n  ${lines.join("\n  ")}`);
  }
  const e = parsed.data;
  const signIn = readSignInConfig(
    Object.fromEntries(Object.entries(env).map(([key, value]) => [key, emptyToUndefined(value)])),
  );
  if ("problems" in signIn) {
    throw new ConfigError(`invalid settings:\n  ${signIn.problems.join("\n  ")}`);
  }
  // A heartbeat timeout (2 × heartbeat) must fit inside the grace, or every missed beat ends a session.
  if (e.ROLLCALL_SESSION_GRACE_SECONDS < 2 * e.ROLLCALL_HEARTBEAT_SECONDS) {
    throw new ConfigError(
      "invalid settings:\n  ROLLCALL_SESSION_GRACE_SECONDS: must be at least twice ROLLCALL_HEARTBEAT_SECONDS",
    );
  }
  const trustProxy = e.ROLLCALL_TRUST_PROXY === "true" || e.ROLLCALL_TRUST_PROXY === "1";
  // Browsers drop a SameSite=None cookie that is not Secure, and one that is Secure unless the
  // page is HTTPS. Rollcall speaks plain HTTP, so HTTPS can only come from a trusted proxy.
  if (e.ROLLCALL_COOKIE_SAMESITE === "none" && !trustProxy) {
    throw new ConfigError(
      "invalid settings:\n  ROLLCALL_COOKIE_SAMESITE: none needs HTTPS (the cookie must be Secure); " +
        "Rollcall speaks plain HTTP, so serve it through a reverse proxy that terminates HTTPS " +
        "and set ROLLCALL_TRUST_PROXY=true",
    );
  }
  const redisUrls = e.ROLLCALL_REDIS_URL?.split(",").map((url) => url.trim()) ?? [];
  const isRedisCluster = e.ROLLCALL_REDIS_CLUSTER === "true" || e.ROLLCALL_REDIS_CLUSTER === "1";
  if (isRedisCluster && redisUrls.length === 0) {
    throw new ConfigError(
      "invalid settings:\n  ROLLCALL_REDIS_CLUSTER: needs ROLLCALL_REDIS_URL (the cluster's seed nodes)",
    );
  }
  if (!isRedisCluster && redisUrls.length > 1) {
    throw new ConfigError(
      "invalid settings:\n  ROLLCALL_REDIS_URL: one server only; several seed nodes need ROLLCALL_REDIS_CLUSTER=true",
    );
  }
  const messageEvents = e.ROLLCALL_MESSAGE_EVENTS.split(",")
    .map((name) => name.trim())
    .filter(Boolean);
  return {
    port: e.PORT,
    host: e.ROLLCALL_HOST,
    dataDir: e.ROLLCALL_DATA_DIR,
    databaseUrl: e.ROLLCALL_DATABASE_URL ?? null,
    redis: isRedisCluster
      ? { kind: "cluster", seeds: redisUrls }
      : redisUrls[0]
        ? { kind: "server", url: redisUrls[0] }
        : null,
    redisPrefix: e.ROLLCALL_REDIS_PREFIX,
    platformSecret: e.ROLLCALL_PLATFORM_SECRET ?? null,
    heartbeatMs: e.ROLLCALL_HEARTBEAT_SECONDS * 1000,
    httpLiveMs: Math.max(45_000, 3 * e.ROLLCALL_HEARTBEAT_SECONDS * 1000),
    idleMs: e.ROLLCALL_IDLE_SECONDS * 1000,
    graceMs: e.ROLLCALL_SESSION_GRACE_SECONDS * 1000,
    maxTokenSeconds: e.ROLLCALL_MAX_TOKEN_SECONDS,
    viewerSessionMs: e.ROLLCALL_VIEWER_SESSION_SECONDS * 1000,
    messageEvents: messageEvents.length > 0 ? messageEvents : ["message"],
    trustProxy,
    cookieSameSite: e.ROLLCALL_COOKIE_SAMESITE,
    eventRetentionDays: e.ROLLCALL_EVENT_RETENTION_DAYS ?? null,
    metricsToken: e.ROLLCALL_METRICS_TOKEN ?? null,
    logLevel: e.ROLLCALL_LOG_LEVEL,
    logFormat: e.ROLLCALL_LOG_FORMAT,
    signIn,
  };
}

function emptyToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}
