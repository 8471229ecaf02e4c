// The HTTP server: routes each request, maps every failure to a JSON error, never crashes.
import { createServer, type Server } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import { AppError, toAppError } from "../errors/app-error.js";
import { limitConnectionsPerAddress } from "./address-connections.js";
import { BodyBudget } from "./body-budget.js";
import { clientOrigin } from "./client-origin.js";
import { rawErrorResponse, sendError, setSecurityHeaders } from "./http-io.js";
import { HTTP_LIMITS, type HttpLimits } from "./http-limits.js";
import type { Router } from "./router.js";

export interface HttpServerOptions {
  /** While the server shuts down, requests get 503 and a closed connection. */
  isDraining?: () => boolean;
  /** Defaults to HTTP_LIMITS; tests lower them. */
  limits?: Partial<HttpLimits>;
  /**
   * Behind a trusted proxy every connection comes from the proxy: the per-address connection
   * cap is not applied (the proxy bounds its clients' connections; per-address request limits,
   * and the share of the body budget, still read X-Forwarded-For).
   */
  trustProxy?: boolean;
  /**
   * Told of each request once its handler is done (a stream: once it is under way): the route
   * pattern ("unmatched" when none), the method, the status and the seconds it took.
   */
  onRequest?: (route: string, method: string, status: number, seconds: number) => void;
}

/** The route of a request no route matched (404, 405, a refusal while draining). */
export const UNMATCHED = "unmatched";

/** Accept failures (out of file descriptors) are logged at most this often. */
const ACCEPT_ERROR_LOG_EVERY_MS = 60_000;

export function createHttpServer(
  router: Router,
  logger: Logger,
  options: HttpServerOptions = {},
): Server {
  const isDraining = options.isDraining ?? (() => false);
  const limits = { ...HTTP_LIMITS, ...options.limits };
  const origin = clientOrigin(options.trustProxy === true);
  const bodies = new BodyBudget(limits, (req) => origin.addressOf(req));
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: limits.timeoutCheckEveryMs,
    },
    async (req, res) => {
      setSecurityHeaders(res);
      const startedAt = performance.now();
      let route = UNMATCHED;
      try {
        if (isDraining()) {
          res.setHeader("connection", "close");
          res.setHeader("retry-after", "1");
          throw new AppError("unavailable", "server is shutting down; retry shortly");
        }
        const url = new URL(req.url ?? "/", "http://localhost");
        const found = router.match(req.method ?? "GET", url.pathname);
        if (!found) throw new AppError("not_found", `nothing at ${url.pathname.slice(0, 200)}`);
        route = found.pattern;
        await found.handler({ req, res, url, params: found.params, bodies });
      } catch (error) {
        const expected = toAppError(error);
        if (expected) {
          if (expected.status === 503) res.setHeader("retry-after", "1");
          // The rest of the body is not read: the connection closes once the 413 is sent.
          if (expected.code === "payload_too_large") res.setHeader("connection", "close");
          sendError(res, expected);
        } else if (isDraining()) {
          // Storage closing under a request in flight: nothing was accepted, so the client retries.
          res.setHeader("connection", "close");
          sendError(res, new AppError("unavailable", "server is shutting down; retry shortly"));
        } else {
          logger.error({ err: error, url: req.url }, "request failed");
          sendError(res, new AppError("internal", "internal error; it has been logged"));
        }
      }
      options.onRequest?.(
        route,
        req.method ?? "GET",
        res.statusCode,
        (performance.now() - startedAt) / 1000,
      );
    },
  );
  // Every socket keeps an error listener for its whole life, upgraded ones too (Node drops its
  // own on an upgrade): an error on a socket ends that socket, never the process.
  server.on("connection", (socket: Socket) => socket.on("error", ignore));
  if (!options.trustProxy) limitConnectionsPerAddress(server, limits.connectionsPerAddress);
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Duplex) =>
    answerClientError(error, socket, limits),
  );
  // Accepting fails when the process is out of file descriptors (EMFILE): libuv drops the
  // connection and the server goes on. Before `listening`, startup reports the error itself.
  let acceptErrorLoggedAt = Number.NEGATIVE_INFINITY;
  server.on("error", (error: NodeJS.ErrnoException) => {
    if (!server.listening) return;
    if (performance.now() - acceptErrorLoggedAt < ACCEPT_ERROR_LOG_EVERY_MS) return;
    acceptErrorLoggedAt = performance.now();
    logger.error(
      { err: error },
      "accepting a connection failed (said at most once a minute); raise the open-files limit if it is EMFILE",
    );
  });
  return server;
}

/**
 * A request the parser gave up on (malformed, headers too large, too slow): answered with a raw
 * JSON error when nothing was written on that connection yet (a response in flight would be
 * corrupted), then the connection goes.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex, limits: HttpLimits): void {
  const isFresh = (socket as Socket).bytesWritten === 0;
  if (!socket.writable || !isFresh) {
    socket.destroy();
    return;
  }
  const answer =
    error.code === "ERR_HTTP_REQUEST_TIMEOUT"
      ? new AppError(
          "request_timeout",
          `request not received in time (headers within ${limits.headersTimeoutMs / 1000} s, all of it within ${limits.requestTimeoutMs / 1000} s)`,
        )
      : error.code === "HPE_HEADER_OVERFLOW"
        ? new AppError("headers_too_large", "request headers are too large")
        : new AppError("bad_request", "malformed HTTP request");
  socket.end(rawErrorResponse(answer), () => socket.destroy());
}

function ignore(): void {}
