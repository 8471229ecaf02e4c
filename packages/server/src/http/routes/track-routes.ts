// POST /api/v1/track: the tracker's HTTP transport, for networks that block WebSockets.
import {
  type RefusedEvent,
  type TrackBatchResponse,
  trackBatchSchema,
  WIRE_LIMITS,
} from "@rollcall/protocol";
import { AppError, describeIssues, toAppError } from "../../errors/app-error.js";
import { KeyedRateLimiter } from "../../ingest/rate-limiter.js";
import { RefusedEventError, type TrackerGateway } from "../../ingest/tracker-gateway.js";
import type { UserTabLimit } from "../../ingest/user-tab-limit.js";
import type { ClientOrigin } from "../client-origin.js";
import { readJson, sendJson } from "../http-io.js";
import type { RequestContext, Router } from "../router.js";

/**
 * Batches per second from one client address. A tab posts every few seconds at most, so this
 * leaves room for a few hundred tabs behind one NAT while a flood is cut short.
 */
export const TRACK_REQUESTS_PER_SECOND = 100;
export const TRACK_REQUEST_BURST = 200;
/** Retry-After for a tab over its user's cap. */
const TAB_RETRY_AFTER_SECONDS = 30;
/** Largest batch body: a full batch of maximal frames. */
export const TRACK_BODY_BYTES = WIRE_LIMITS.frameBytes * WIRE_LIMITS.batchMessages;

/** `tabs`: a user's tabs over HTTP count with their WebSockets against one cap. */
export function addTrackRoutes(
  router: Router,
  gateway: TrackerGateway,
  origin: ClientOrigin,
  tabs: UserTabLimit,
  clock: () => number = Date.now,
): void {
  const limiter = new KeyedRateLimiter(TRACK_REQUESTS_PER_SECOND, TRACK_REQUEST_BURST, clock);
  router.on("POST", "/api/v1/track", async (ctx) => {
    try {
      await receiveBatch(ctx);
    } catch (error) {
      const code = toAppError(error)?.code;
      if (code) gateway.meter.refusal("http", code);
      throw error;
    }
  });
  const receiveBatch = async (ctx: RequestContext) => {
    const { req, res } = ctx;
    res.setHeader("access-control-allow-origin", req.headers.origin ?? "*");
    const wait = limiter.hit(origin.addressOf(req));
    if (wait > 0) {
      res.setHeader("retry-after", String(wait));
      throw new AppError(
        "rate_limited",
        `over ${TRACK_REQUESTS_PER_SECOND} track requests per second from this address; retry in ${wait} s`,
      );
    }
    // sendBeacon posts text/plain; readJson accepts it.
    const body = await readJson(ctx, TRACK_BODY_BYTES);
    const parsed = trackBatchSchema.safeParse(body);
    if (!parsed.success) throw new AppError("invalid_body", describeIssues(parsed.error.issues));
    gateway.meter.message("http", "hello");
    for (const message of parsed.data.messages) gateway.meter.message("http", message.t);
    const { key, welcome } = await gateway.hello(parsed.data.hello, "http", (tab) => {
      try {
        tabs.admit(tab);
      } catch (error) {
        // An HTTP tab lapses 45 s after its last batch: one of the others may be gone by then.
        res.setHeader("retry-after", String(TAB_RETRY_AFTER_SECONDS));
        throw error;
      }
    });
    // Applied in order; the batch's events then share one commit instead of waiting one each.
    // An event refused for its timestamp is reported by id; the rest of the batch goes on.
    const refusals: Array<RefusedEvent | undefined> = [];
    const handled = parsed.data.messages.map((message, i) => {
      if (message.t === "hello" || message.t === "identify") return [];
      return gateway.handle(key, message).catch((error: unknown) => {
        if (!(error instanceof RefusedEventError)) throw error;
        gateway.meter.refusal("http", error.code);
        refusals[i] = {
          id: error.eventId,
          code: error.code,
          message: `messages[${i}].${error.message}`,
        };
        return [];
      });
    });
    const acks = (await Promise.all(handled)).flat();
    const refused = refusals.filter((r): r is RefusedEvent => r !== undefined);
    const response: TrackBatchResponse = { welcome, acks, refused };
    sendJson(res, 200, response);
  };

  // The tracker runs on the host platform's origin: allow its cross-origin POSTs.
  router.on("OPTIONS", "/api/v1/track", ({ req, res }) => {
    res.writeHead(204, {
      "access-control-allow-origin": req.headers.origin ?? "*",
      "access-control-allow-methods": "POST",
      "access-control-allow-headers": "content-type",
      "access-control-max-age": "86400",
    });
    res.end();
  });
}
