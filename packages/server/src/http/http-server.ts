// The HTTP server: routes each request, maps every failure to a JSON error, never crashes.
import { createServer, type Server } from "node:http";
import type { Logger } from "pino";
import { AppError, toAppError } from "./app-error.js";
import { sendError, setSecurityHeaders } from "./http-io.js";
import type { Router } from "./router.js";

/** `isDraining`: while the server shuts down, requests get 503 and a closed connection. */
export function createHttpServer(
  router: Router,
  logger: Logger,
  isDraining: () => boolean = () => false,
): Server {
  const server = createServer(async (req, res) => {
    setSecurityHeaders(res);
    try {
      if (isDraining()) {
        res.setHeader("connection", "close");
        res.setHeader("retry-after", "1");
        throw new AppError("unavailable", "server is shutting down; retry shortly");
      }
      const url = new URL(req.url ?? "/", "http://localhost");
      const found = router.match(req.method ?? "GET", url.pathname);
      if (!found) throw new AppError("not_found", `nothing at ${url.pathname.slice(0, 200)}`);
      await found.handler({ req, res, url, params: found.params });
    } catch (error) {
      const expected = toAppError(error);
      if (expected) {
        if (expected.status === 503) res.setHeader("retry-after", "1");
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
  });
  server.on("clientError", (_error, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n");
  });
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  server.keepAliveTimeout = 65_000;
  return server;
}
