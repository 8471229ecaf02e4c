// POST /api/v1/track: the tracker's HTTP transport, for networks that block WebSockets.
import { type TrackBatchResponse, trackBatchSchema, WIRE_LIMITS } from "@rollcall/protocol";
import type { TrackerGateway } from "../../ingest/tracker-gateway.js";
import { AppError, describeIssues } from "../app-error.js";
import { readJson, sendJson } from "../http-io.js";
import type { Router } from "../router.js";

export function addTrackRoutes(router: Router, gateway: TrackerGateway): void {
  router.on("POST", "/api/v1/track", async ({ req, res }) => {
    // sendBeacon posts text/plain; readJson accepts it.
    const body = await readJson(req, WIRE_LIMITS.frameBytes * WIRE_LIMITS.batchMessages);
    const parsed = trackBatchSchema.safeParse(body);
    if (!parsed.success) throw new AppError("invalid_body", describeIssues(parsed.error.issues));
    const { key, welcome } = await gateway.hello(parsed.data.hello, "http");
    const acks: string[] = [];
    for (const message of parsed.data.messages) {
      if (message.t === "hello" || message.t === "identify") continue;
      acks.push(...(await gateway.handle(key, message)));
    }
    const response: TrackBatchResponse = { welcome, acks };
    res.setHeader("access-control-allow-origin", req.headers.origin ?? "*");
    sendJson(res, 200, response);
  });

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
