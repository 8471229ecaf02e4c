// The API description of what comes in: the tracker's transports and the host platform's backend.
import { trackBatchResponseSchema, trackBatchSchema, WIRE_LIMITS } from "@rollcall/protocol";
import { z } from "zod";
import { TRACKER_LIMITS } from "../ingest/tracker-limits.js";
import { TRACKER_SOCKET_PATH } from "../ingest/tracker-socket.js";
import { MAX_BODY_BYTES } from "./http-io.js";
import {
  BODIES_PER_ADDRESS,
  errorResponse,
  formatBytes,
  invalidBody,
  noPlatformSecret,
  rateLimited,
  tooLarge,
  unavailable,
  unavailableReadingBodies,
  withoutRetryAfter,
} from "./openapi-errors.js";
import { type ApiRoute, jsonReply } from "./openapi-route.js";
import {
  EVENTS_BODY_BYTES,
  eventBatchResponseSchema,
  eventBatchSchema,
  FUTURE_SKEW_MS,
  profileSchema,
  USERS_BODY_BYTES,
  userBatchResponseSchema,
  userBatchSchema,
  userIdSchema,
  userUpsertResponseSchema,
} from "./routes/backend-routes.js";
import {
  TRACK_BODY_BYTES,
  TRACK_REQUEST_BURST,
  TRACK_REQUESTS_PER_SECOND,
} from "./routes/track-routes.js";

const propsNote = `\`props\`: a JSON object of at most ${WIRE_LIMITS.propsBytes} bytes as JSON.`;
const userParams = z.object({ id: userIdSchema.describe("The platform user's id") });
const backendBodyErrors = (maxBytes: number) => ({
  401: noPlatformSecret,
  413: tooLarge(maxBytes),
  429: rateLimited(BODIES_PER_ADDRESS),
  503: unavailableReadingBodies,
});

export const ingestRoutes: ApiRoute[] = [
  {
    method: "post",
    path: "/api/v1/track",
    tag: "tracker",
    summary: "Tracker HTTP transport: { hello, messages } → { welcome, acks, refused }",
    description: `For networks that block WebSockets; the WebSocket transport is ${TRACKER_SOCKET_PATH}. Also accepted as text/plain (sendBeacon). At most ${WIRE_LIMITS.batchMessages} messages. ${propsNote}`,
    auth: "none",
    body: { schema: trackBatchSchema, maxBytes: TRACK_BODY_BYTES },
    replies: {
      200: jsonReply(
        "Welcome, acknowledged event ids once stored, and refused events (a ts out of bounds; never stored, drop them)",
        "TrackBatchResponse",
        trackBatchResponseSchema,
      ),
    },
    errors: {
      400: invalidBody("invalid batch"),
      401: errorResponse("invalid or expired user token", "token_invalid", "token_expired"),
      413: tooLarge(TRACK_BODY_BYTES),
      429: rateLimited(
        `${TRACK_REQUESTS_PER_SECOND} requests/s per client address (burst ${TRACK_REQUEST_BURST}); or a new tab of a user who already has ${TRACKER_LIMITS.connectionsPerUser} open (WebSocket and HTTP together); or ${BODIES_PER_ADDRESS}`,
      ),
      503: unavailableReadingBodies,
    },
  },
  {
    method: "get",
    path: TRACKER_SOCKET_PATH,
    tag: "tracker",
    summary: "Tracker WebSocket (upgrade); send hello first",
    description: `Frames: at most ${formatBytes(WIRE_LIMITS.frameBytes)} (close 1009), ${TRACKER_LIMITS.framesPerSecond}/s with bursts of ${TRACKER_LIMITS.frameBurst} (close 4429), ${TRACKER_LIMITS.connectionsPerUser} sockets per user (close 4429); close codes in docs/presence.md.`,
    auth: "none",
    replies: { 101: { description: "Switching protocols" } },
    errors: {
      429: withoutRetryAfter(
        rateLimited(`${TRACKER_LIMITS.connectionsPerAddress} open sockets per client address`),
      ),
      503: withoutRetryAfter(unavailable),
    },
  },
  {
    method: "put",
    path: "/api/v1/users/{id}",
    tag: "backend",
    summary: "Backend: upsert a platform user { name, email, role }",
    auth: "backend",
    params: userParams,
    body: { schema: profileSchema, maxBytes: MAX_BODY_BYTES },
    replies: {
      200: jsonReply("Updated", "UserUpsertResponse", userUpsertResponseSchema),
      201: jsonReply("Created", "UserUpsertResponse", userUpsertResponseSchema),
    },
    errors: {
      400: invalidBody("a profile field is missing or too long, or the id is"),
      ...backendBodyErrors(MAX_BODY_BYTES),
    },
  },
  {
    method: "delete",
    path: "/api/v1/users/{id}",
    tag: "backend",
    summary:
      "Backend: erase the user and all their data (sessions, visits, events, rollups, presence)",
    auth: "backend",
    params: userParams,
    replies: { 204: { description: "Erased" } },
    errors: {
      400: errorResponse("the id is empty or too long", "bad_request"),
      401: noPlatformSecret,
      404: errorResponse("no such user", "not_found"),
      503: unavailable,
    },
  },
  {
    method: "post",
    path: "/api/v1/users",
    tag: "backend",
    summary: "Backend: upsert many platform users at once (rollcall user import); 200 once durable",
    auth: "backend",
    body: { schema: userBatchSchema, maxBytes: USERS_BODY_BYTES },
    replies: { 200: jsonReply("Upserted", "UserBatchResponse", userBatchResponseSchema) },
    errors: {
      400: invalidBody("empty or too long a batch, or a bad user"),
      ...backendBodyErrors(USERS_BODY_BYTES),
    },
  },
  {
    method: "post",
    path: "/api/v1/events",
    tag: "backend",
    summary: "Backend: send events; a repeated id is stored once; 200 once durable",
    description: `\`ts\` (ISO 8601) may be in the past, for backfill. ${propsNote}`,
    auth: "backend",
    body: { schema: eventBatchSchema, maxBytes: EVENTS_BODY_BYTES },
    replies: { 200: jsonReply("Stored", "EventBatchResponse", eventBatchResponseSchema) },
    errors: {
      400: invalidBody("empty or too long a batch, or a bad event"),
      ...backendBodyErrors(EVENTS_BODY_BYTES),
      422: errorResponse(
        `a ts more than ${FUTURE_SKEW_MS / 60_000} minutes in the future, before 2000-01-01, or older than ROLLCALL_EVENT_RETENTION_DAYS when set; nothing in the batch was stored`,
        "unprocessable",
      ),
    },
  },
];
