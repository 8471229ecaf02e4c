import { describe, expect, it } from "vitest";
import { DEFAULT_MAX_TOKEN_SECONDS } from "../auth/token-verifier.js";
import { ConfigError, loadConfig } from "./config.js";

describe("loadConfig", () => {
  it("uses the documented defaults on an empty environment", () => {
    const config = loadConfig({});
    expect(config.port).toBe(8740);
    expect(config.dataDir).toBe("./data");
    expect(config.heartbeatMs).toBe(15_000);
    expect(config.idleMs).toBe(300_000);
    expect(config.graceMs).toBe(120_000);
    expect(config.httpLiveMs).toBe(45_000);
    expect(config.databaseUrl).toBeNull();
    expect(config.messageEvents).toEqual(["message"]);
    expect(config.cookieSameSite).toBe("lax");
  });

  it("bounds token lifetimes to a day and viewer sessions to 8 hours by default", () => {
    const config = loadConfig({});
    expect(config.maxTokenSeconds).toBe(86_400);
    expect(config.maxTokenSeconds).toBe(DEFAULT_MAX_TOKEN_SECONDS);
    expect(config.viewerSessionMs).toBe(8 * 3_600_000);
    expect(
      loadConfig({ ROLLCALL_MAX_TOKEN_SECONDS: "600", ROLLCALL_VIEWER_SESSION_SECONDS: "900" }),
    ).toMatchObject({ maxTokenSeconds: 600, viewerSessionMs: 900_000 });
    // Over 7 days a timer on the token's expiry would not fit a setTimeout delay anyway.
    expect(() => loadConfig({ ROLLCALL_MAX_TOKEN_SECONDS: "31536000" })).toThrow(
      /ROLLCALL_MAX_TOKEN_SECONDS/,
    );
    expect(() => loadConfig({ ROLLCALL_VIEWER_SESSION_SECONDS: "0" })).toThrow(
      /ROLLCALL_VIEWER_SESSION_SECONDS/,
    );
  });

  it("names the variable that is wrong", () => {
    expect(() => loadConfig({ PORT: "eighty" })).toThrow(/PORT/);
    expect(() => loadConfig({ ROLLCALL_DATABASE_URL: "mysql://x" })).toThrow(
      /ROLLCALL_DATABASE_URL: must start with postgres/,
    );
  });

  it("refuses a session grace shorter than two heartbeats", () => {
    expect(() =>
      loadConfig({ ROLLCALL_HEARTBEAT_SECONDS: "30", ROLLCALL_SESSION_GRACE_SECONDS: "40" }),
    ).toThrow(ConfigError);
  });

  it("reads message event names as a comma-separated list", () => {
    expect(loadConfig({ ROLLCALL_MESSAGE_EVENTS: "message, chat ," }).messageEvents).toEqual([
      "message",
      "chat",
    ]);
  });

  it("reads the session cookie's SameSite, and names the choices when it is wrong", () => {
    expect(loadConfig({ ROLLCALL_COOKIE_SAMESITE: "strict" }).cookieSameSite).toBe("strict");
    expect(() => loadConfig({ ROLLCALL_COOKIE_SAMESITE: "None" })).toThrow(
      /ROLLCALL_COOKIE_SAMESITE: .*"lax"\|"strict"\|"none"/,
    );
  });

  it("reads one Redis server, or a Redis Cluster's seed nodes with ROLLCALL_REDIS_CLUSTER", () => {
    expect(loadConfig({}).redis).toBeNull();
    expect(loadConfig({ ROLLCALL_REDIS_URL: "redis://r:6379" }).redis).toEqual({
      kind: "server",
      url: "redis://r:6379",
    });
    const cluster = loadConfig({
      ROLLCALL_REDIS_URL: "redis://a:6379, redis://b:6379",
      ROLLCALL_REDIS_CLUSTER: "true",
    });
    expect(cluster.redis).toEqual({ kind: "cluster", seeds: ["redis://a:6379", "redis://b:6379"] });
    expect(() => loadConfig({ ROLLCALL_REDIS_URL: "redis://a:6379,redis://b:6379" })).toThrow(
      /ROLLCALL_REDIS_URL: one server only.*ROLLCALL_REDIS_CLUSTER=true/,
    );
    expect(() => loadConfig({ ROLLCALL_REDIS_CLUSTER: "true" })).toThrow(
      /ROLLCALL_REDIS_CLUSTER: needs ROLLCALL_REDIS_URL/,
    );
    expect(() =>
      loadConfig({ ROLLCALL_REDIS_URL: "redis://a:6379,b:6379", ROLLCALL_REDIS_CLUSTER: "true" }),
    ).toThrow(/ROLLCALL_REDIS_URL: must start with redis:\/\//);
  });

  it("refuses SameSite none unless HTTPS comes from a trusted proxy", () => {
    expect(() => loadConfig({ ROLLCALL_COOKIE_SAMESITE: "none" })).toThrow(ConfigError);
    expect(() =>
      loadConfig({ ROLLCALL_COOKIE_SAMESITE: "none", ROLLCALL_TRUST_PROXY: "false" }),
    ).toThrow(/ROLLCALL_COOKIE_SAMESITE: none needs HTTPS.*ROLLCALL_TRUST_PROXY=true/);
    const proxied = loadConfig({ ROLLCALL_COOKIE_SAMESITE: "none", ROLLCALL_TRUST_PROXY: "true" });
    expect(proxied.cookieSameSite).toBe("none");
  });

  it("reads the /metrics token, refusing a short one or one that cannot go in a header", () => {
    expect(loadConfig({}).metricsToken).toBeNull();
    const token = "prometheus-scrape-token-0123";
    expect(loadConfig({ ROLLCALL_METRICS_TOKEN: token }).metricsToken).toBe(token);
    expect(() => loadConfig({ ROLLCALL_METRICS_TOKEN: "short" })).toThrow(
      /ROLLCALL_METRICS_TOKEN: at least 16 characters/,
    );
    expect(() => loadConfig({ ROLLCALL_METRICS_TOKEN: "has a space in it 0123" })).toThrow(
      /ROLLCALL_METRICS_TOKEN: printable ASCII/,
    );
    expect(() => loadConfig({ ROLLCALL_METRICS_TOKEN: "x".repeat(257) })).toThrow(
      /ROLLCALL_METRICS_TOKEN: at most 256/,
    );
  });
});
