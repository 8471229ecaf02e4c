import type { EventMessage } from "@rollcall/protocol";
import pino from "pino";
import { describe, expect, it } from "vitest";
import type { TokenVerifier } from "../auth/token-verifier.js";
import { PresenceService } from "../presence/presence-service.js";
import { MemoryPresenceStore } from "../presence/store/memory-presence-store.js";
import { FUTURE_SKEW_MS } from "../storage/event-time-bounds.js";
import type { FactWriter } from "../storage/fact-writer.js";
import type { EventRecord } from "../storage/storage.js";
import { UserDirectory } from "../users/user-directory.js";
import { RefusedEventError, TrackerGateway } from "./tracker-gateway.js";

const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);
const DAY = 86_400_000;
const key = { platform: "p", user: "u", tab: "tab-0001" };

function gateway(horizon: number | null = null) {
  const stored: EventRecord[] = [];
  const writer = {
    addChanges: () => undefined,
    addSessionsSeen: () => undefined,
    addActiveSeen: () => undefined,
    addEvents: async (events: EventRecord[]) => {
      stored.push(...events);
    },
  } as unknown as FactWriter;
  const presence = new PresenceService({
    store: new MemoryPresenceStore({
      heartbeatMs: 600_000,
      httpLiveMs: 600_000,
      idleMs: 3_600_000,
      graceMs: 1_200_000,
    }),
    clock: () => NOW,
    writer,
    directory: new UserDirectory(),
    logger: pino({ level: "silent" }),
    tickMs: 60_000,
    persistSeenMs: 60_000,
  });
  presence.handle({
    type: "connect",
    key,
    transport: "ws",
    page: { path: "/m", title: "M", app: "math" },
    isVisible: true,
  });
  const tracker = new TrackerGateway({
    verifier: {} as TokenVerifier,
    directory: new UserDirectory(),
    writer,
    presence,
    heartbeatMs: 15_000,
    idleMs: 300_000,
    eventHorizon: () => horizon,
  });
  return { tracker, stored, presence };
}

function event(id: string, ts: number): EventMessage {
  return { t: "event", id, name: "message", ts };
}

describe("TrackerGateway events", () => {
  it("stores and acknowledges an event within the time bounds", async () => {
    const { tracker, stored } = gateway();
    expect(await tracker.handle(key, event("e1", NOW - DAY))).toEqual(["e1"]);
    expect(stored).toMatchObject([{ id: "e1", ts: NOW - DAY, app: "math" }]);
  });

  it("refuses an event dated far in the future by its id, storing nothing and keeping the connection", async () => {
    const { tracker, stored, presence } = gateway();
    const refused = await tracker.handle(key, event("bad", 9e15)).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RefusedEventError);
    const error = refused as RefusedEventError;
    expect(error.eventId).toBe("bad");
    expect(error.code).toBe("unprocessable");
    expect(error.toMessage()).toEqual({
      t: "error",
      code: "unprocessable",
      message: expect.stringMatching(/^ts: in the future/),
      id: "bad",
    });
    expect(stored).toEqual([]);
    expect(tracker.isOpen(key)).toBe(true);
    expect(presence.view("p", "u")?.status).toBe("online");
    // The next event of the same connection goes through.
    expect(await tracker.handle(key, event("e2", NOW))).toEqual(["e2"]);
  });

  it("refuses past the allowed skew and before 2000, accepting up to the skew", async () => {
    const { tracker, stored } = gateway();
    await expect(tracker.handle(key, event("a", NOW + FUTURE_SKEW_MS + 1))).rejects.toThrow(
      RefusedEventError,
    );
    await expect(tracker.handle(key, event("b", Date.UTC(1999, 11, 31)))).rejects.toThrow(
      /before 2000/,
    );
    await expect(tracker.handle(key, event("c", 0))).rejects.toThrow(RefusedEventError);
    expect(await tracker.handle(key, event("d", NOW + FUTURE_SKEW_MS))).toEqual(["d"]);
    expect(stored.map((e) => e.id)).toEqual(["d"]);
  });

  it("refuses an event older than the retention horizon instead of acknowledging it", async () => {
    const { tracker, stored } = gateway(NOW - 30 * DAY);
    await expect(tracker.handle(key, event("old", NOW - 31 * DAY))).rejects.toThrow(
      /ROLLCALL_EVENT_RETENTION_DAYS/,
    );
    expect(await tracker.handle(key, event("new", NOW - 29 * DAY))).toEqual(["new"]);
    expect(stored.map((e) => e.id)).toEqual(["new"]);
  });
});
