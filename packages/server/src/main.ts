// The composition root: reads nothing itself; wires config, storage, presence, ingest, live and HTTP.
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CLOSE_CODES, DEFAULT_PLATFORM } from "@rollcall/protocol";
import type { Logger } from "pino";
import { UsersAnalytics } from "./analytics/users-analytics.js";
import { AddressLimiter, LOGIN_ATTEMPTS, LOGIN_WINDOW_MS } from "./auth/address-limiter.js";
import { BackendAuth } from "./auth/backend-auth.js";
import { OidcSignIn } from "./auth/oidc-sign-in.js";
import { PlatformRegistry } from "./auth/platform-registry.js";
import { TokenVerifier } from "./auth/token-verifier.js";
import { ViewerAuth } from "./auth/viewer-auth.js";
import type { Config } from "./config/config.js";
import { createLogger } from "./config/logger.js";
import { loadAppPage } from "./http/app-page.js";
import { clientOrigin } from "./http/client-origin.js";
import type { HttpLimits } from "./http/http-limits.js";
import { createHttpServer } from "./http/http-server.js";
import { Router } from "./http/router.js";
import { addAnalyticsRoutes } from "./http/routes/analytics-routes.js";
import { addAuthRoutes } from "./http/routes/auth-routes.js";
import { addBackendRoutes } from "./http/routes/backend-routes.js";
import { addDocsRoutes } from "./http/routes/docs-routes.js";
import { addOidcRoutes } from "./http/routes/oidc-routes.js";
import { addOperationsRoutes } from "./http/routes/operations-routes.js";
import { addPageRoutes } from "./http/routes/page-routes.js";
import { addPresenceRoutes } from "./http/routes/presence-routes.js";
import { addShareRoutes } from "./http/routes/share-routes.js";
import { addTrackRoutes } from "./http/routes/track-routes.js";
import { TrackerGateway } from "./ingest/tracker-gateway.js";
import { TRACKER_LIMITS, type TrackerLimits } from "./ingest/tracker-limits.js";
import { TrackerMeter } from "./ingest/tracker-meter.js";
import { attachTrackerSockets } from "./ingest/tracker-socket-server.js";
import { UserTabLimit } from "./ingest/user-tab-limit.js";
import { PresenceFeed } from "./live/presence-feed.js";
import { RollcallMetrics } from "./metrics/rollcall-metrics.js";
import type { PresenceRules } from "./presence/engine/types.js";
import { type Clock, PresenceService } from "./presence/presence-service.js";
import { PresenceBoard } from "./presence/read-model/presence-board.js";
import { openPresenceStore } from "./presence/store/open-presence-store.js";
import { RedisPresenceKeys } from "./presence/store/redis-presence-keys.js";
import { RedisPresenceStore } from "./presence/store/redis-presence-store.js";
import { ShareLinks } from "./share/share-links.js";
import { ShareTokens } from "./share/share-token.js";
import { EventRetention } from "./storage/event-retention.js";
import { FactWriter } from "./storage/fact-writer.js";
import { openStorage } from "./storage/open-storage.js";
import type { Storage } from "./storage/storage.js";
import { StorageHealth } from "./storage/storage-health.js";
import { RedisDirectorySync } from "./users/redis-directory-sync.js";
import { UserDirectory } from "./users/user-directory.js";

/** An analytics load longer than this is logged at info (shorter ones at debug). */
const SLOW_ANALYTICS_LOAD_MS = 10_000;

export interface RollcallOptions {
  clock?: Clock;
  logger?: Logger;
  /** Built dashboard and tracker; defaults to the packages' dist folders. */
  dashboardDir?: string;
  trackerDir?: string;
  /** Tracker socket limits; the defaults are TRACKER_LIMITS. */
  limits?: Partial<TrackerLimits>;
  /** HTTP connection limits and timeouts; the defaults are HTTP_LIMITS. */
  httpLimits?: Partial<HttpLimits>;
  /** How often a live stream's credentials are checked again; tests lower it. */
  streamRecheckMs?: number;
}

export interface Rollcall {
  url: string;
  port: number;
  storage: Storage;
  presence: PresenceService;
  directory: UserDirectory;
  platforms: PlatformRegistry;
  writer: FactWriter;
  storageHealth: StorageHealth;
  metrics: RollcallMetrics;
  logger: Logger;
  /** The HTTP routes the server answers (the tracker socket's upgrade aside). */
  routes: Router["list"];
  /**
   * Drains: new requests get 503 and new sockets are refused, tracker sockets close with 1012
   * (reconnect), waiting facts are flushed, then storage closes.
   */
  close(): Promise<void>;
}

const here = fileURLToPath(new URL(".", import.meta.url));

export async function startRollcall(
  config: Config,
  options: RollcallOptions = {},
): Promise<Rollcall> {
  const clock = options.clock ?? Date.now;
  const logger = options.logger ?? createLogger(config);
  const storage = await openStorage(config, {
    writerThread: true,
    logger,
    onBackgroundError: (error) =>
      logger.warn({ err: error }, "following the analytics' index log failed; trying again"),
  });
  await storage.migrate();
  // The analytics load beside everything else (minutes for a file of 100 M events): presence,
  // ingest and the dashboard are served meanwhile, and an analytics request waits for the load.
  let isDraining = false;
  const warming = performance.now();
  let analyticsState: "loading" | "ready" | "failed" = "loading";
  const analyticsLoaded = storage.warmUp(config.messageEvents).then(
    () => {
      analyticsState = "ready";
      // A quick load is a detail (at info it was the one JSON line among `npm start`'s text); a
      // long one (a big file) is news to whoever waits for it.
      const ms = Math.round(performance.now() - warming);
      logger[ms < SLOW_ANALYTICS_LOAD_MS ? "debug" : "info"]({ ms }, "analytics ready");
    },
    (error: unknown) => {
      analyticsState = "failed";
      if (!isDraining) {
        logger.error(
          { err: error },
          "loading the analytics failed; the next analytics read tries again",
        );
      }
    },
  );

  const platforms = new PlatformRegistry(storage, clock);
  if (config.platformSecret) await platforms.ensure(DEFAULT_PLATFORM, config.platformSecret);
  else await platforms.ensureExists(DEFAULT_PLATFORM);

  const directory = new UserDirectory();
  directory.load(await storage.listUsers());
  // Read when scraped: `board`, `feed`, `presence` and `sockets`, made below, exist by then.
  const meter = new TrackerMeter();
  const metrics: RollcallMetrics = new RollcallMetrics(
    {
      websocketTabs: () => sockets?.tabs() ?? 0,
      // `default` always (zeros on a fresh install), and every platform with users.
      platforms: () => new Set([DEFAULT_PLATFORM, ...directory.platformIds()]),
      userCounts: (platform) => board.userCounts(platform),
      liveStreams: () => feed.clientCount(),
      writerQueue: () => writer.queued(),
      storage: () => storageHealth.state(),
      presence: () => presence.health().presence,
      analytics: () => analyticsState,
    },
    meter,
    { database: config.databaseUrl ? "postgres" : "sqlite", hasRedis: config.redis !== null },
  );
  const writer = new FactWriter(metrics.timedWrites(storage), {
    flushEveryMs: 50,
    maxPending: 2_000,
    // ~20 transactions of ROWS_PER_WRITE: a second or two of this machine's SQLite.
    maxBacklog: 10_000,
    onError: (error) => logger.error({ err: error }, "writing facts failed; will retry"),
  });
  const storageHealth = new StorageHealth(storage, writer, {
    probeEveryMs: 1_000,
    onChange: (state, error) =>
      state === "down"
        ? logger.error({ err: error }, "storage unreachable; events are refused until it is back")
        : logger.info("storage reachable again"),
  });
  storageHealth.start();
  const rules: PresenceRules = {
    heartbeatMs: config.heartbeatMs,
    httpLiveMs: config.httpLiveMs,
    idleMs: config.idleMs,
    graceMs: config.graceMs,
  };
  const store = await openPresenceStore(config, rules, clock, logger);
  const presence = new PresenceService({
    store,
    clock,
    writer,
    directory,
    logger,
    tickMs: 250,
    persistSeenMs: 5_000,
  });
  await presence.start(storage);

  const verifier = new TokenVerifier(platforms.secretsOf, clock, {
    maxLifetimeSeconds: config.maxTokenSeconds,
  });
  const auth = new ViewerAuth(storage, verifier, {
    sessionTtlMs: config.viewerSessionMs,
    sameSite: config.cookieSameSite,
    clock,
  });
  const board = new PresenceBoard(presence, directory, storage);
  const feed = new PresenceFeed(board, {
    coalesceMs: 1,
    summaryEveryMs: 250,
    maxBufferedBytes: 8 * 1_048_576,
    keepAliveMs: 15_000,
    clock,
    onBytesSent: metrics.countStreamBytes,
  });
  presence.onUserChange((platform, user) => feed.markChanged(platform, user));
  const directorySync =
    store instanceof RedisPresenceStore && config.redis
      ? new RedisDirectorySync({
          redis: config.redis,
          channel: new RedisPresenceKeys(config.redisPrefix).directory,
          nodeId: store.nodeId,
          directory,
          logger,
          reload: async () => directory.load(await storage.listUsers()),
          onRemoteChange: (platform, id) =>
            directory.get(platform, id)
              ? feed.markChanged(platform, id)
              : feed.markRemoved(platform, id),
        })
      : null;
  await directorySync?.start();
  const retention =
    config.eventRetentionDays === null
      ? null
      : new EventRetention(storage, config.eventRetentionDays, clock, logger);
  retention?.start();
  const eventHorizon = () => retention?.horizon() ?? null;
  const gateway = new TrackerGateway({
    eventHorizon,
    verifier,
    directory,
    writer,
    presence,
    heartbeatMs: config.heartbeatMs,
    idleMs: config.idleMs,
    meter,
  });

  const origin = clientOrigin(config.trustProxy);
  const router = new Router();
  // One cap on a user's tabs, WebSocket and HTTP together (presence counts both).
  const tabs = new UserTabLimit(
    presence,
    { ...TRACKER_LIMITS, ...options.limits }.connectionsPerUser,
  );
  addTrackRoutes(router, gateway, origin, tabs, clock);
  const dashboardDir = options.dashboardDir ?? join(here, "../../dashboard/dist");
  const sendAppPage = loadAppPage(dashboardDir);
  // One budget of sign-in attempts per address, by password or through the identity provider.
  const signInLimiter = new AddressLimiter(LOGIN_ATTEMPTS, LOGIN_WINDOW_MS, clock);
  addAuthRoutes(router, {
    auth,
    verifier,
    limiter: signInLimiter,
    origin,
    sendAppPage,
    isPasswordSignInOn: config.signIn.isPasswordSignInOn,
  });
  addOidcRoutes(router, {
    oidc: config.signIn.oidc ? new OidcSignIn(config.signIn.oidc) : null,
    isPasswordSignInOn: config.signIn.isPasswordSignInOn,
    auth,
    origin,
    limiter: signInLimiter,
    logger,
  });
  addPresenceRoutes(router, {
    auth,
    board,
    feed,
    clock,
    ...(options.streamRecheckMs ? { streamRecheckMs: options.streamRecheckMs } : {}),
  });
  const analytics = new UsersAnalytics(storage, presence, config.messageEvents);
  addAnalyticsRoutes(router, { auth, analytics, storage, clock });
  const links = new ShareLinks(storage, new ShareTokens(platforms.secretsOf, clock), clock);
  addShareRoutes(router, { auth, links, analytics, sendAppPage, origin, clock });
  addBackendRoutes(router, {
    backendAuth: new BackendAuth(storage, clock),
    storage,
    writer,
    directory,
    presence,
    feed,
    clock,
    eventHorizon,
  });
  let sockets: ReturnType<typeof attachTrackerSockets> | null = null;
  addPageRoutes(router, {
    auth,
    dashboardDir,
    trackerDir: options.trackerDir ?? join(here, "../../tracker/dist"),
  });
  addDocsRoutes(router);
  addOperationsRoutes(router, {
    metrics,
    metricsToken: config.metricsToken,
    origin,
    readiness: () => {
      const redis = presence.health().presence;
      return {
        storage: storageHealth.state(),
        redis: redis === "memory" ? "none" : redis,
        analytics: analyticsState,
      };
    },
    health: () => {
      const presenceState = presence.health().presence;
      // "down": writes fail or the database does not answer (events refused, analytics 503).
      const storageState = storageHealth.state();
      return {
        status: presenceState === "down" || storageState === "down" ? "degraded" : "ok",
        database: config.databaseUrl ? "postgres" : "sqlite",
        storage: storageState,
        // "memory" (one node), or the shared Redis: "ok" / "down" (presence changes refused).
        presence: presenceState,
        trackerSockets: sockets?.count() ?? 0,
        dashboards: feed.clientCount(),
        // "loading" while the analytics are read from the file after a start.
        analytics: analyticsState,
      };
    },
  });

  const server = createHttpServer(router, logger, {
    isDraining: () => isDraining,
    trustProxy: config.trustProxy,
    onRequest: metrics.observeRequest,
    ...(options.httpLimits ? { limits: options.httpLimits } : {}),
  });
  sockets = attachTrackerSockets(server, {
    gateway,
    logger,
    heartbeatMs: config.heartbeatMs,
    clock,
    origin,
    tabs,
    ...(options.limits ? { limits: options.limits } : {}),
  });
  let backlogWarnedAt = Number.NEGATIVE_INFINITY;
  writer.onBacklog((isBehind) => {
    sockets?.hold(isBehind);
    if (isBehind && clock() - backlogWarnedAt >= 60_000) {
      backlogWarnedAt = clock();
      logger.warn(
        "facts arrive faster than storage writes them: tracker sockets wait while it catches up (said at most once a minute)",
      );
    }
  });
  server.listen(config.port, config.host);
  await once(server, "listening");
  const port = (server.address() as AddressInfo).port;
  const shownHost = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;

  let closing: Promise<void> | null = null;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    storage,
    presence,
    directory,
    platforms,
    writer,
    storageHealth,
    metrics,
    logger,
    routes: () => router.list(),
    close() {
      closing ??= (async () => {
        isDraining = true;
        server.close();
        server.closeIdleConnections();
        sockets?.close(CLOSE_CODES.restart, "server restarting");
        feed.close();
        presence.stop();
        await retention?.stop();
        // Requests and frames already being handled get their facts flushed (and their 2xx or ack).
        await writer.close();
        await storageHealth.stop();
        await settle();
        server.closeAllConnections();
        directorySync?.close();
        await store.close();
        await storage.close();
        // A load still going stops at its next slice (the storage is closed).
        await analyticsLoaded;
      })();
      return closing;
    },
  };
}

/** One turn of the event loop: lets handlers whose writes just became durable answer. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
