// Backend API for the host platform's server: upsert and erase users, send events (idempotent).
import { propsSchema } from "@rollcall/protocol";
import { z } from "zod";
import type { BackendAuth } from "../../auth/backend-auth.js";
import { AppError, describeIssues } from "../../errors/app-error.js";
import type { PresenceFeed } from "../../live/presence-feed.js";
import type { PresenceService } from "../../presence/presence-service.js";
import { EventTimeBounds } from "../../storage/event-time-bounds.js";
import type { FactWriter } from "../../storage/fact-writer.js";
import type { Storage } from "../../storage/storage.js";
import type { UserDirectory } from "../../users/user-directory.js";
import { readJson, sendJson } from "../http-io.js";
import type { Router } from "../router.js";

export interface BackendRoutesDeps {
  backendAuth: BackendAuth;
  storage: Storage;
  writer: FactWriter;
  directory: UserDirectory;
  presence: PresenceService;
  feed: PresenceFeed;
  clock: () => number;
  /** Events before this moment are past retention (null: none is). */
  eventHorizon: () => number | null;
}

export const MAX_EVENTS_PER_BATCH = 1_000;
export const MAX_USERS_PER_BATCH = 1_000;
/** Largest body of POST /events; PUT /users/:id takes the default MAX_BODY_BYTES. */
export const EVENTS_BODY_BYTES = 4 * 1_048_576;
/** Largest body of POST /users (a bulk import). */
export const USERS_BODY_BYTES = 2 * 1_048_576;
export { FUTURE_SKEW_MS } from "../../storage/event-time-bounds.js";

export const userIdSchema = z.string().min(1).max(256);
export const profileSchema = z.object({
  name: z.string().max(256),
  email: z.string().max(320).default(""),
  role: z.string().max(64).default(""),
});

const eventSchema = z.object({
  id: z.string().min(1).max(64),
  user: userIdSchema,
  name: z.string().min(1).max(128),
  app: z.string().min(1).max(128).nullable().optional(),
  ts: z.iso.datetime({ offset: true }).optional(),
  props: propsSchema.optional(),
});
export const eventBatchSchema = z.object({
  events: z.array(eventSchema).min(1).max(MAX_EVENTS_PER_BATCH),
});

export const userBatchSchema = z.object({
  users: z
    .array(profileSchema.extend({ id: userIdSchema }))
    .min(1)
    .max(MAX_USERS_PER_BATCH),
});

/** PUT /users/:id answers with the profile as stored. */
export const userUpsertResponseSchema = z.object({
  user: profileSchema.extend({ id: userIdSchema }),
});
export const userBatchResponseSchema = z.object({
  upserted: z.number().int().min(0).describe("Users in the batch"),
  changed: z.number().int().min(0).describe("Users whose profile was new or different"),
});
export const eventBatchResponseSchema = z.object({
  accepted: z.number().int().min(0).describe("Events in the batch, now durable"),
});

function parseUserId(raw: string | undefined): string {
  const parsed = userIdSchema.safeParse(raw);
  if (!parsed.success) throw new AppError("bad_request", "path.id: 1 to 256 characters");
  return parsed.data;
}

export function addBackendRoutes(router: Router, deps: BackendRoutesDeps): void {
  const eventTimes = new EventTimeBounds(deps.clock, deps.eventHorizon);
  router.on("PUT", "/api/v1/users/:id", async (ctx) => {
    const { req, res, params } = ctx;
    const platform = await deps.backendAuth.platformOf(req);
    const id = parseUserId(params.id);
    const parsed = profileSchema.safeParse(await readJson(ctx));
    if (!parsed.success) throw new AppError("invalid_body", describeIssues(parsed.error.issues));
    const profile = { id, ...parsed.data };
    const isNew = deps.directory.get(platform, id) === undefined;
    if (deps.directory.upsert(platform, profile, deps.clock())) {
      await deps.writer.addUser(platform, profile);
      deps.feed.markChanged(platform, id);
    }
    const body: z.infer<typeof userUpsertResponseSchema> = { user: profile };
    sendJson(res, isNew ? 201 : 200, body);
  });

  // Bulk upsert (rollcall user import): up to 1,000 users, durable before the answer.
  router.on("POST", "/api/v1/users", async (ctx) => {
    const { req, res } = ctx;
    const platform = await deps.backendAuth.platformOf(req);
    const parsed = userBatchSchema.safeParse(await readJson(ctx, USERS_BODY_BYTES));
    if (!parsed.success) throw new AppError("invalid_body", describeIssues(parsed.error.issues));
    const now = deps.clock();
    const writes: Promise<void>[] = [];
    for (const profile of parsed.data.users) {
      if (deps.directory.upsert(platform, profile, now)) {
        writes.push(deps.writer.addUser(platform, profile));
        deps.feed.markChanged(platform, profile.id);
      }
    }
    await Promise.all(writes);
    const body: z.infer<typeof userBatchResponseSchema> = {
      upserted: parsed.data.users.length,
      changed: writes.length,
    };
    sendJson(res, 200, body);
  });

  router.on("DELETE", "/api/v1/users/:id", async ({ req, res, params }) => {
    const platform = await deps.backendAuth.platformOf(req);
    const id = parseUserId(params.id);
    // Flush first, so nothing already queued for the user is written after the erase.
    await deps.writer.flush();
    await deps.presence.handle({ type: "forget", platform, user: id });
    await deps.storage.deleteUser(platform, id);
    const existed = deps.directory.remove(platform, id);
    deps.feed.markRemoved(platform, id);
    if (!existed) throw new AppError("not_found", `no user "${id.slice(0, 64)}" on this platform`);
    res.writeHead(204).end();
  });

  router.on("POST", "/api/v1/events", async (ctx) => {
    const { req, res } = ctx;
    const platform = await deps.backendAuth.platformOf(req);
    const parsed = eventBatchSchema.safeParse(await readJson(ctx, EVENTS_BODY_BYTES));
    if (!parsed.success) throw new AppError("invalid_body", describeIssues(parsed.error.issues));
    const now = deps.clock();
    const events = parsed.data.events.map((e, i) => {
      const ts = e.ts === undefined ? now : Date.parse(e.ts);
      const refusal = eventTimes.refusal(ts);
      if (refusal !== null) throw new AppError("unprocessable", `events[${i}].ts: ${refusal}`);
      return {
        platform,
        id: e.id,
        user: e.user,
        name: e.name,
        app: e.app ?? null,
        ts,
        props: e.props ?? null,
      };
    });
    // Events may name users the platform never upserted: they are registered by id.
    for (const event of events) {
      if (deps.directory.get(platform, event.user) !== undefined) continue;
      const profile = { id: event.user, name: event.user, email: "", role: "" };
      if (deps.directory.upsert(platform, profile, now)) {
        void deps.writer.addUser(platform, profile);
        deps.feed.markChanged(platform, event.user);
      }
    }
    await deps.writer.addEvents(events);
    const body: z.infer<typeof eventBatchResponseSchema> = { accepted: events.length };
    sendJson(res, 200, body);
  });
}
