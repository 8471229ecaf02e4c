// The briefs and counts the Connected users page reads follow events and the passing of time.
import pino from "pino";
import { describe, expect, it } from "vitest";
import type { FactWriter } from "../../storage/fact-writer.js";
import { UserDirectory } from "../../users/user-directory.js";
import { PresenceService } from "../presence-service.js";
import { MemoryPresenceStore } from "../store/memory-presence-store.js";
import { LiveBriefs } from "./live-briefs.js";

const T0 = 1_800_000_000_000;
const IDLE_MS = 60_000;
const PAGE = { path: "/m", title: "M", app: "math" };

function setup() {
  let now = T0;
  const writer = {
    addChanges: () => undefined,
    addSessionsSeen: () => undefined,
    addActiveSeen: () => undefined,
  } as unknown as FactWriter;
  const directory = new UserDirectory();
  const presence = new PresenceService({
    store: new MemoryPresenceStore({
      heartbeatMs: 600_000,
      httpLiveMs: 600_000,
      idleMs: IDLE_MS,
      graceMs: 1_200_000,
    }),
    clock: () => now,
    writer,
    directory,
    logger: pino({ level: "silent" }),
    tickMs: 250,
    persistSeenMs: 60_000,
  });
  const register = (id: string) =>
    directory.upsert("p", { id, name: id, email: "", role: "student" }, now);
  const connect = (user: string) =>
    presence.handle({
      type: "connect",
      key: { platform: "p", user, tab: `${user}-tab` },
      transport: "ws",
      page: PAGE,
      isVisible: true,
    });
  return {
    presence,
    briefs: new LiveBriefs(presence, directory),
    directory,
    register,
    connect,
    at: (t: number) => {
      now = T0 + t;
    },
  };
}

describe("LiveBriefs", () => {
  it("counts registered users only, and counts a user again once registered", () => {
    const world = setup();
    world.register("ada");
    world.connect("ada");
    world.connect("bob"); // not registered on this node (yet)
    expect(world.briefs.counts("p")).toEqual({ online: 1, idle: 0 });
    expect([...world.briefs.of("p").keys()].sort()).toEqual(["ada", "bob"]);
    world.register("bob");
    expect(world.briefs.counts("p")).toEqual({ online: 2, idle: 0 });
    // Erased from the directory (the presence forgets them right after): no longer counted.
    world.directory.remove("p", "ada");
    expect(world.briefs.counts("p")).toEqual({ online: 1, idle: 0 });
  });

  it("a user going idle by time alone is counted idle once the engine's tick has seen it", () => {
    const world = setup();
    world.register("ada");
    world.briefs.of("p"); // read before: from here on it follows the changes
    world.connect("ada");
    expect(world.briefs.of("p").get("ada")?.status).toBe("online");
    world.at(IDLE_MS + 100);
    world.presence.handle({ type: "tick" });
    expect(world.briefs.of("p").get("ada")).toMatchObject({ status: "idle", currentPage: PAGE });
    expect(world.briefs.counts("p")).toEqual({ online: 0, idle: 1 });
    world.presence.handle({ type: "input", key: { platform: "p", user: "ada", tab: "ada-tab" } });
    expect(world.briefs.counts("p")).toEqual({ online: 1, idle: 0 });
    world.presence.handle({
      type: "disconnect",
      key: { platform: "p", user: "ada", tab: "ada-tab" },
    });
    expect(world.briefs.of("p").get("ada")?.status).toBe("offline");
    expect(world.briefs.counts("p")).toEqual({ online: 0, idle: 0 });
  });

  it("tells of a session starting and ending, not of page changes or going idle", () => {
    const world = setup();
    world.register("ada");
    world.briefs.of("p");
    const heard: string[] = [];
    world.briefs.onSessionChange((platform) => heard.push(platform));
    world.connect("ada");
    expect(heard).toEqual(["p"]);
    world.presence.handle({
      type: "page",
      key: { platform: "p", user: "ada", tab: "ada-tab" },
      page: { path: "/n", title: "N", app: "math" },
    });
    world.at(IDLE_MS + 100);
    world.presence.handle({ type: "tick" });
    expect(world.briefs.of("p").get("ada")?.status).toBe("idle");
    expect(heard).toEqual(["p"]);
    world.presence.handle({
      type: "disconnect",
      key: { platform: "p", user: "ada", tab: "ada-tab" },
    });
    expect(heard).toEqual(["p", "p"]);
  });
});
