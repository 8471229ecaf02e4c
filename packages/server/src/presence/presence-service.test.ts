import pino from "pino";
import { describe, expect, it } from "vitest";
import type { FactWriter } from "../storage/fact-writer.js";
import { type FactBatch, SLOT_MS } from "../storage/storage.js";
import { UserDirectory } from "../users/user-directory.js";
import { PresenceService } from "./presence-service.js";
import { MemoryPresenceStore } from "./store/memory-presence-store.js";

const T0 = 1_000 * SLOT_MS + 60_000; // one minute into a slot
const key = { platform: "p", user: "u", tab: "tab-0001" };

function service(clock: () => number) {
  const activeSeen: FactBatch["activeSeen"] = [];
  const writer = {
    addChanges: () => undefined,
    addSessionsSeen: () => undefined,
    addActiveSeen: (seen: FactBatch["activeSeen"]) => activeSeen.push(...seen),
  } as unknown as FactWriter;
  const presence = new PresenceService({
    store: new MemoryPresenceStore({
      heartbeatMs: 600_000,
      httpLiveMs: 600_000,
      idleMs: 3_600_000,
      graceMs: 1_200_000,
    }),
    clock,
    writer,
    directory: new UserDirectory(),
    logger: pino({ level: "silent" }),
    tickMs: 60_000,
    persistSeenMs: 60_000,
  });
  return { presence, activeSeen };
}

describe("PresenceService", () => {
  it("marks ongoing activity once per 15-minute slot it reaches, not on every pass", () => {
    let now = T0;
    const { presence, activeSeen } = service(() => now);
    presence.handle({
      type: "connect",
      key,
      transport: "ws",
      page: { path: "/m", title: "M", app: "math" },
      isVisible: true,
    });
    // Same slot as the start (already marked by activeStarted): nothing new.
    now = T0 + 5 * 60_000;
    presence.handle({ type: "input", key });
    presence.stop();
    expect(activeSeen).toHaveLength(0);
    // Next slot: one mark, and only one however often the pass runs in it.
    now = T0 + 16 * 60_000;
    presence.handle({ type: "input", key });
    presence.stop();
    presence.stop();
    expect(activeSeen).toEqual([{ platform: "p", user: "u", app: "math", at: T0 + 16 * 60_000 }]);
    now = T0 + 31 * 60_000;
    presence.handle({ type: "input", key });
    presence.stop();
    expect(activeSeen.map((a) => Math.floor(a.at / SLOT_MS))).toEqual([1001, 1002]);
  });
});
