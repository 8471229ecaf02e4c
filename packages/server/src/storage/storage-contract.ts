// The behaviour every Storage adapter must show; each adapter's test runs it on a fresh store.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { userTableQuery } from "../testing/user-table-query.js";
import { runShareLinkContract } from "./share-link-contract.js";
import {
  EXPORT_COLUMNS,
  emptyFactBatch,
  type FactBatch,
  SLOT_MS,
  type Storage,
} from "./storage.js";

const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);

function batch(parts: Partial<FactBatch>): FactBatch {
  return { ...emptyFactBatch(), ...parts };
}

export function runStorageContract(name: string, makeStorage: () => Promise<Storage>): void {
  describe(`Storage contract: ${name}`, () => {
    let storage: Storage;

    beforeEach(async () => {
      storage = await makeStorage();
      await storage.migrate();
    });
    afterEach(async () => {
      await storage.close();
    });

    it("migrates once and then has nothing left to apply", async () => {
      expect((await storage.migrate()).applied).toEqual([]);
    });

    it("answers a ping while the database is reachable", async () => {
      await expect(storage.ping()).resolves.toBeUndefined();
    });

    it("keeps platforms with their secrets and rotates them", async () => {
      await storage.createPlatform({ id: "p1", name: "P1", secrets: ["a"], createdAt: T0 });
      await storage.setPlatformSecrets("p1", ["a", "b"]);
      expect(await storage.getPlatform("p1")).toEqual({
        id: "p1",
        name: "P1",
        secrets: ["a", "b"],
        createdAt: T0,
      });
      expect(await storage.getPlatform("nope")).toBeNull();
      expect((await storage.listPlatforms()).map((p) => p.id)).toEqual(["p1"]);
    });

    it("registers a user on first sight and updates the profile later", async () => {
      const user = { platform: "p1", id: "u1", name: "Ada", email: "ada@x.io", role: "Admin" };
      await storage.writeFacts(batch({ users: [user] }));
      await storage.writeFacts(batch({ users: [{ ...user, name: "Ada L." }] }));
      const users = await storage.listUsers();
      expect(users).toHaveLength(1);
      expect(users[0]).toMatchObject({ id: "u1", name: "Ada L.", lastSeenAt: null });
    });

    it("records a session from start through seen to end and moves last seen", async () => {
      const key = { platform: "p1", user: "u1" };
      await storage.writeFacts(
        batch({
          users: [{ ...key, id: "u1", name: "A", email: "a@x", role: "Learner" }],
          sessionsStarted: [{ ...key, startedAt: T0 }],
        }),
      );
      await storage.writeFacts(batch({ sessionsSeen: [{ ...key, startedAt: T0, at: T0 + 5000 }] }));
      expect(await storage.openSessions()).toEqual([
        { ...key, startedAt: T0, endedAt: null, lastLiveAt: T0 + 5000 },
      ]);
      await storage.writeFacts(
        batch({ sessionsEnded: [{ ...key, startedAt: T0, endedAt: T0 + 9000 }] }),
      );
      expect(await storage.openSessions()).toEqual([]);
      expect(await storage.sessionsEndedSince("p1", T0)).toEqual([
        { ...key, startedAt: T0, endedAt: T0 + 9000, lastLiveAt: T0 + 9000 },
      ]);
      expect((await storage.listUsers())[0]?.lastSeenAt).toBe(T0 + 9000);
      expect(await storage.userSessionsBetween("p1", "u1", T0 + 1000, T0 + 2000)).toHaveLength(1);
      expect(await storage.userSessionsBetween("p1", "u1", T0 + 10_000, T0 + 20_000)).toEqual([]);
    });

    it("keeps page visits newest first", async () => {
      const v = { platform: "p1", user: "u1", tab: "tab-0001" };
      await storage.writeFacts(
        batch({
          visitsStarted: [
            { ...v, page: { path: "/a", title: "A", app: "math" }, startedAt: T0 },
            { ...v, page: { path: "/b", title: "B", app: null }, startedAt: T0 + 10 },
          ],
          visitsEnded: [{ ...v, startedAt: T0, endedAt: T0 + 10 }],
        }),
      );
      const visits = await storage.userRecentVisits("p1", "u1", 10);
      expect(visits.map((x) => [x.page.path, x.page.app, x.endedAt])).toEqual([
        ["/b", null, null],
        ["/a", "math", T0 + 10],
      ]);
    });

    it("stores a repeated event id once", async () => {
      const event = {
        platform: "p1",
        id: "e1",
        user: "u1",
        name: "message",
        app: "math",
        ts: T0,
        props: { length: 3 },
      };
      await storage.writeFacts(batch({ events: [event, event] }));
      await storage.writeFacts(batch({ events: [event] }));
      expect(await storage.countEvents("p1")).toBe(1);
    });

    it("closes intervals a stopped server left open at the user's last live moment", async () => {
      const v = { platform: "p1", user: "u1" };
      await storage.writeFacts(
        batch({
          visitsStarted: [
            { ...v, tab: "tab-0001", page: { path: "/a", title: "A" }, startedAt: T0 },
          ],
          activeStarted: [{ ...v, app: null, startedAt: T0 }],
        }),
      );
      await storage.closeDanglingIntervals([{ ...v, at: T0 + 700 }]);
      const [visit] = await storage.userRecentVisits("p1", "u1", 1);
      expect(visit?.endedAt).toBe(T0 + 700);
    });

    it("erases a user and everything about them", async () => {
      const key = { platform: "p1", user: "u1" };
      await storage.writeFacts(
        batch({
          users: [{ ...key, id: "u1", name: "A", email: "a@x", role: "R" }],
          sessionsStarted: [{ ...key, startedAt: T0 }],
          events: [{ ...key, id: "e1", name: "message", app: null, ts: T0, props: null }],
        }),
      );
      await storage.deleteUser("p1", "u1");
      expect(await storage.listUsers()).toEqual([]);
      expect(await storage.openSessions()).toEqual([]);
      expect(await storage.countEvents("p1")).toBe(0);
    });

    it("erases a user's events of every day and slot, and only theirs", async () => {
      const event = (user: string, id: string, ts: number) => ({
        platform: "p1",
        user,
        id,
        name: "message",
        app: id.endsWith("a") ? "math" : null,
        ts,
        props: null,
      });
      const times = [T0, T0 + 15 * 60_000, T0 + 31 * 60_000, T0 + 86_400_000, T0 + 40 * 86_400_000];
      await storage.writeFacts(
        batch({
          events: times.flatMap((ts, i) => [
            event("u1", `u1-${i}`, ts),
            event("u1", `u1-${i}a`, ts + 1),
            event("u2", `u2-${i}`, ts),
          ]),
        }),
      );
      await storage.deleteUser("p1", "u1");
      expect(await storage.countEvents("p1")).toBe(times.length);
      // The ids are free again: the same events are stored anew.
      await storage.writeFacts(batch({ events: [event("u1", "u1-0", T0)] }));
      expect(await storage.countEvents("p1")).toBe(times.length + 1);
    });

    it("answers every read and erases the user whatever time their events were stored at", async () => {
      // Stored as a file written before event times were bounded could hold them.
      const hostile = [9e15, -9e15, 8.64e15 + 1, Date.UTC(2200, 0, 1), Date.UTC(1990, 0, 1)];
      const event = (user: string, id: string, ts: number) => ({
        platform: "p1",
        user,
        id,
        name: "message",
        app: "math",
        ts,
        props: null,
      });
      await storage.writeFacts(
        batch({
          users: ["u1", "u2"].map((id) => ({ platform: "p1", id, name: id, email: "", role: "" })),
          events: [
            ...hostile.map((ts, i) => event("u1", `bad-${i}`, ts)),
            event("u1", "good-1", T0),
            event("u2", "good-2", T0),
          ],
        }),
      );
      const apps = await storage.listApps("p1");
      expect(apps).toEqual([{ id: "math", users: 2, lastActivityAt: expect.any(Number) }]);
      const slot = Math.floor(T0 / SLOT_MS);
      const window = { start: slot, end: slot + 1 };
      const table = await storage.userTable(userTableQuery(window));
      expect(table.rows.map((r) => [r.id, r.messagesSent])).toEqual([
        ["u1", 1],
        ["u2", 1],
      ]);
      expect(await storage.countActiveUsers({ platform: "p1", app: "math" }, [window])).toEqual([
        2,
      ]);
      const exported = [];
      for await (const row of storage.exportRows("p1", "events")) exported.push(row.id);
      expect(exported).toHaveLength(hostile.length + 2);

      await storage.deleteUser("p1", "u1");
      expect(await storage.countEvents("p1")).toBe(1);
      expect(await storage.listApps("p1")).toEqual([{ id: "math", users: 1, lastActivityAt: T0 }]);
      const after = await storage.userTable(userTableQuery(window));
      expect(after.rows.map((r) => r.id)).toEqual(["u2"]);
    });

    it("exports every row of a platform, in key order, with the documented columns", async () => {
      const users = ["b", "a", "c"].map((id) => ({
        platform: "p1",
        id,
        name: id,
        email: "",
        role: "R",
      }));
      await storage.writeFacts(
        batch({
          users: [...users, { platform: "p2", id: "z", name: "z", email: "", role: "R" }],
          sessionsStarted: [{ platform: "p1", user: "a", startedAt: T0 }],
          visitsStarted: [
            {
              platform: "p1",
              user: "a",
              tab: "tab-0001",
              page: { path: "/x", title: "X" },
              startedAt: T0,
            },
          ],
          events: [
            {
              platform: "p1",
              id: "e2",
              user: "a",
              name: "message",
              app: "math",
              ts: T0,
              props: { n: 1 },
            },
            {
              platform: "p1",
              id: "e1",
              user: "b",
              name: "message",
              app: null,
              ts: T0,
              props: null,
            },
          ],
        }),
      );
      const rows = async (kind: Parameters<Storage["exportRows"]>[1]) => {
        const out: Record<string, unknown>[] = [];
        for await (const row of storage.exportRows("p1", kind)) out.push(row);
        return out;
      };
      expect((await rows("users")).map((r) => r.id)).toEqual(["a", "b", "c"]);
      expect(Object.keys((await rows("users"))[0]!)).toEqual(EXPORT_COLUMNS.users);
      expect(await rows("sessions")).toEqual([
        { user_id: "a", started_at: T0, ended_at: null, last_live_at: T0 },
      ]);
      expect((await rows("page_visits"))[0]).toMatchObject({
        path: "/x",
        app: null,
        ended_at: null,
      });
      const events = await rows("events");
      expect(events.map((e) => [e.id, e.app])).toEqual([
        ["e1", null],
        ["e2", "math"],
      ]);
      expect(JSON.parse(String(events[1]!.props))).toEqual({ n: 1 });
    });

    it("drops raw events older than a moment, in bounded batches, keeping the rollups", async () => {
      const at = (id: string, ts: number) => ({
        platform: "p1",
        id,
        user: "u1",
        name: "message",
        app: "math",
        ts,
        props: null,
      });
      await storage.writeFacts(
        batch({ events: [at("old1", T0), at("old2", T0 + 1), at("new", T0 + 10_000)] }),
      );
      expect(await storage.deleteEventsBefore(T0 + 5_000, 1)).toBe(1);
      expect(await storage.deleteEventsBefore(T0 + 5_000, 100)).toBe(1);
      expect(await storage.deleteEventsBefore(T0 + 5_000, 100)).toBe(0);
      expect(await storage.countEvents("p1")).toBe(1);
      expect(await storage.countKnownUsers({ platform: "p1", app: "math" })).toBe(1);
    });

    it("keeps operators and viewer sessions until they expire", async () => {
      await storage.createOperator({
        email: "op@x.io",
        name: "Op",
        passwordHash: "hash",
        createdAt: T0,
      });
      expect((await storage.getOperator("op@x.io"))?.name).toBe("Op");
      const viewer = {
        id: "op@x.io",
        name: "Op",
        platform: "default",
        role: "owner" as const,
        apps: null,
      };
      await storage.saveViewerSession({
        idHash: "h1",
        viewer,
        expiresAt: T0 + 1000,
      });
      expect((await storage.getViewerSession("h1", T0))?.viewer).toEqual(viewer);
      expect(await storage.getViewerSession("h1", T0 + 1000)).toBeNull();
      await storage.deleteViewerSession("h1");
      expect(await storage.getViewerSession("h1", T0)).toBeNull();
    });

    it("revokes the sessions of one viewer, of one platform's viewers, or all", async () => {
      const session = (idHash: string, id: string, platform: string) =>
        storage.saveViewerSession({
          idHash,
          viewer: { id, name: id, platform, role: "admin", apps: null },
          expiresAt: T0 + 60_000,
        });
      const live = async () => {
        const ids = ["a1", "a2", "b1", "c1"];
        const found = await Promise.all(ids.map((id) => storage.getViewerSession(id, T0)));
        return ids.filter((_, i) => found[i]);
      };
      await session("a1", "ann", "default");
      await session("a2", "ann", "default");
      await session("b1", "ann", "acme");
      await session("c1", "cy", "acme");
      expect(await storage.deleteViewerSessions({ viewer: "ann", platform: "default" })).toBe(2);
      expect(await live()).toEqual(["b1", "c1"]);
      expect(await storage.deleteViewerSessions({ viewer: "nobody" })).toBe(0);
      expect(await storage.deleteViewerSessions({ platform: "acme" })).toBe(2);
      expect(await live()).toEqual([]);
      await session("a1", "ann", "default");
      await session("c1", "cy", "acme");
      expect(await storage.deleteViewerSessions({})).toBe(2);
      expect(await live()).toEqual([]);
    });

    runShareLinkContract(() => storage);
  });
}
