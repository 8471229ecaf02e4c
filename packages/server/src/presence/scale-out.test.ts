// Three built nodes sharing PostgreSQL and Redis: one presence, live changes everywhere, kill -9 of one.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type ClientMessage,
  type Page,
  PROTOCOL_VERSION,
  type TrackBatchResponse,
} from "@rollcall/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUserToken, signViewerToken } from "../auth/token-signer.js";
import {
  IS_POSTGRES_REQUIRED,
  isPostgresReachable,
  TestDatabases,
  testServerName,
} from "../storage/postgres/postgres-test-database.js";
import { parsePrometheusText, sampleValue } from "../testing/prometheus-text.js";
import {
  freePort,
  requireBuiltServer,
  type ServerProcess,
  startServerProcess,
} from "../testing/server-process.js";
import {
  deleteRedisKeys,
  IS_REDIS_REQUIRED,
  isRedisReachable,
  TEST_REDIS_URL,
  uniqueRedisPrefix,
} from "../testing/test-redis.js";
import { eventually, TestTab, WAIT_MS } from "../testing/test-rollcall.js";

const SECRET = "scale-out-test-secret-0123456789";
/**
 * Three server processes and this one share the machine's real time: a heartbeat of a few
 * seconds, so that a busy machine pausing one of them for a second or two drops no live tab.
 */
const HEARTBEAT_MS = 3_000;
/** The documented bound: a dead node's beat is stale after 2 × heartbeat; the sweep looks every 250 ms. */
const DEAD_NODE_BOUND_MS = 2 * HEARTBEAT_MS + 250;

const hasRedis = await isRedisReachable();
const hasPostgres = await isPostgresReachable();
if ((!hasRedis && IS_REDIS_REQUIRED) || (!hasPostgres && IS_POSTGRES_REQUIRED)) {
  throw new Error(`CI=true needs Redis (${TEST_REDIS_URL}) and PostgreSQL (${testServerName()})`);
}
const skipReason = !hasRedis
  ? `Redis at ${TEST_REDIS_URL} does not answer`
  : `PostgreSQL at ${testServerName()} does not answer`;

interface PresenceUserRow {
  id: string;
  status: string;
  connections: number;
  sessionStartedAt: string | null;
  currentPage: { path: string } | null;
}

/** A tracker on the HTTP transport (WebSockets blocked): each batch's hello carries the tab's state. */
class HttpTab {
  isStopped = false;

  constructor(
    readonly tab: string,
    private readonly token: string,
    public page: Page,
  ) {}

  async post(nodeUrl: string, messages: ClientMessage[] = []): Promise<TrackBatchResponse> {
    const hello = {
      t: "hello",
      v: PROTOCOL_VERSION,
      token: this.token,
      tab: this.tab,
      page: this.page,
      visible: true,
      inputAgoMs: 0,
    };
    // text/plain, as sendBeacon posts it.
    const res = await fetch(`${nodeUrl}/api/v1/track`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: JSON.stringify({ hello, messages }),
    });
    if (!res.ok) throw new Error(`POST /api/v1/track: ${res.status} ${await res.text()}`);
    return (await res.json()) as TrackBatchResponse;
  }
}

describe.skipIf(!hasRedis || !hasPostgres)(
  `three nodes behind one Redis and one PostgreSQL${hasRedis && hasPostgres ? "" : ` (skipped: ${skipReason})`}`,
  () => {
    const databases = new TestDatabases("scaleout");
    const prefix = uniqueRedisPrefix("scaleout");
    const dataDir = mkdtempSync(join(tmpdir(), "rollcall-scaleout-"));
    const nodes: ServerProcess[] = [];
    const tabs: TestTab[] = [];
    const httpTabs: HttpTab[] = [];
    let beating: NodeJS.Timeout | null = null;
    let viewer = "";

    beforeAll(async () => {
      requireBuiltServer();
      const databaseUrl = await databases.create();
      const start = async () =>
        startServerProcess({
          port: await freePort(),
          dataDir,
          secret: SECRET,
          env: {
            ROLLCALL_DATABASE_URL: databaseUrl,
            ROLLCALL_REDIS_URL: TEST_REDIS_URL,
            ROLLCALL_REDIS_PREFIX: prefix,
            ROLLCALL_HEARTBEAT_SECONDS: String(HEARTBEAT_MS / 1000),
            // Ten heartbeats: the dead node's tabs come back within it, however slowly.
            ROLLCALL_SESSION_GRACE_SECONDS: String((10 * HEARTBEAT_MS) / 1000),
          },
        });
      // The first migrates the database; the others find it ready.
      nodes.push(await start());
      nodes.push(...(await Promise.all([start(), start()])));
      viewer = await signViewerToken(
        { sub: "owner", role: "owner" },
        { secret: SECRET, ttlSeconds: 600 },
      );
      // Trackers beat every half heartbeat, as the real one does within its interval. HTTP tabs
      // post a batch every heartbeat; without sticky sessions each lands on any node still up.
      let turn = 0;
      beating = setInterval(() => {
        for (const tab of tabs) if (tab.closeCode === null) tab.send({ t: "hb" });
        if (++turn % 2 === 1) return;
        const up = nodes.filter((node) => !node.child.killed && node.child.exitCode === null);
        for (const tab of httpTabs) {
          if (tab.isStopped || up.length === 0) continue;
          tab.post(up[(turn / 2) % up.length]!.url).catch(() => undefined);
        }
      }, HEARTBEAT_MS / 2);
    }, 60_000);

    afterAll(async () => {
      if (beating) clearInterval(beating);
      for (const tab of tabs) tab.close();
      for (const node of nodes) {
        if (node.child.exitCode === null && node.child.signalCode === null)
          node.child.kill("SIGKILL");
        await node.exited;
      }
      for (const tab of httpTabs) tab.isStopped = true;
      await databases.dropAll();
      await deleteRedisKeys(prefix);
      rmSync(dataDir, { recursive: true, force: true });
    });

    const [a, b, c] = [0, 1, 2];
    async function openTab(node: number, user: string, tabId: string, path = "/") {
      const tab = new TestTab(nodes[node]!.url, tabId);
      const token = await signUserToken(
        { sub: user, name: user },
        { secret: SECRET, ttlSeconds: 600 },
      );
      const welcome = await tab.open(token, { path, title: path, app: null });
      if (welcome.t !== "welcome") throw new Error(JSON.stringify(welcome));
      tabs.push(tab);
      return tab;
    }
    async function openHttpTab(node: number, user: string, tabId: string, page: Page) {
      const token = await signUserToken(
        { sub: user, name: user },
        { secret: SECRET, ttlSeconds: 600 },
      );
      const tab = new HttpTab(tabId, token, page);
      const { welcome } = await tab.post(nodes[node]!.url);
      expect(welcome).toMatchObject({ t: "welcome", user, conn: tabId });
      return tab;
    }
    async function rows(node: number): Promise<Map<string, PresenceUserRow>> {
      const res = await fetch(`${nodes[node]!.url}/api/v1/presence?limit=1000`, {
        headers: { authorization: `Bearer ${viewer}` },
      });
      const body = (await res.json()) as { users: PresenceUserRow[] };
      return new Map(body.users.map((u) => [u.id, u]));
    }
    const shape = (users: Map<string, PresenceUserRow>) =>
      [...users.values()]
        .map((u) => `${u.id}:${u.status}:${u.connections}:${u.sessionStartedAt}`)
        .sort()
        .join(" ");

    let sessionsBefore = new Map<string, string | null>();

    it("every node's Connected users agree; one user on two nodes is one user with two connections", async () => {
      await openTab(a, "ana", "tab-ana-1");
      await openTab(b, "ben", "tab-ben-1");
      await openTab(c, "cat", "tab-cat-1");
      await openTab(a, "dua", "tab-dua-a");
      await openTab(b, "dua", "tab-dua-b");
      const agreed = await eventually(async () => {
        const all = await Promise.all([rows(a), rows(b), rows(c)]);
        const shapes = all.map(shape);
        const dua = all[0]!.get("dua");
        return shapes.every((s) => s === shapes[0]) && all[0]!.size === 4 && dua?.connections === 2
          ? all[0]
          : undefined;
      });
      for (const user of ["ana", "ben", "cat", "dua"])
        expect(agreed.get(user)?.status).toBe("online");
      sessionsBefore = new Map([...agreed].map(([id, u]) => [id, u.sessionStartedAt]));
    });

    it("a page change on node C reaches an SSE viewer on node A, pushed (nothing polls)", async () => {
      const controller = new AbortController();
      const res = await fetch(`${nodes[a]!.url}/api/v1/presence/stream`, {
        headers: { authorization: `Bearer ${viewer}` },
        signal: controller.signal,
      });
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let received = "";
      const readUntil = async (needle: string, timeoutMs: number) => {
        const deadline = Date.now() + timeoutMs;
        while (!received.includes(needle)) {
          const left = deadline - Date.now();
          if (left <= 0) return false;
          const chunk = await Promise.race([
            reader.read(),
            new Promise<null>((resolve) => setTimeout(() => resolve(null), left)),
          ]);
          if (chunk === null || chunk.done) return received.includes(needle);
          received += decoder.decode(chunk.value);
        }
        return true;
      };
      expect(await readUntil("event: snapshot", WAIT_MS)).toBe(true);
      const cat = tabs.find((t) => t.tab === "tab-cat-1")!;
      cat.send({ t: "page", page: { path: "/moved-on-c", title: "Moved" } });
      // Only Redis's push brings it (the replica reloads only at start and on reconnect): the
      // bound is generous, for a busy machine; how fast it is, is BENCHMARKS.md's business.
      expect(await readUntil("/moved-on-c", WAIT_MS)).toBe(true);
      controller.abort();
    });

    it("an HTTP-transport tab that said hello on node B is online for node A, and moves page through node A", async () => {
      const algebra = { path: "/lessons/algebra", title: "Algebra", app: null };
      const eli = await openHttpTab(b, "eli", "tab-eli-http", algebra);
      const seenOnA = await eventually(async () => {
        const eliOnA = (await rows(a)).get("eli");
        return eliOnA?.currentPage?.path === algebra.path ? eliOnA : undefined;
      });
      expect(seenOnA).toMatchObject({ status: "online", connections: 1 });
      sessionsBefore.set("eli", seenOnA.sessionStartedAt);

      // Navigation over HTTP is the next batch's hello with the new page, here sent to node A.
      eli.page = { path: "/quiz/3", title: "Quiz 3", app: null };
      await eli.post(nodes[a]!.url);
      httpTabs.push(eli);
      for (const node of [a, b, c]) {
        const moved = await eventually(async () => {
          const eliThere = (await rows(node)).get("eli");
          return eliThere?.currentPage?.path === "/quiz/3" ? eliThere : undefined;
        });
        // The same connection and session moved on: not a second tab, not a new session.
        expect(moved).toMatchObject({
          status: "online",
          connections: 1,
          sessionStartedAt: seenOnA.sessionStartedAt,
        });
      }
    });

    it("kill -9 of node B makes its users offline within the bound, and nobody else", async () => {
      const killedAt = Date.now();
      nodes[b]!.child.kill("SIGKILL");
      await nodes[b]!.exited;
      for (const tab of tabs) if (tab.tab === "tab-ben-1" || tab.tab === "tab-dua-b") tab.close();
      // The HTTP tab said hello on node B, but no socket ties it there: it must never drop.
      const eliSeen: string[] = [];
      const after = await eventually(async () => {
        const users = await rows(a);
        eliSeen.push(`${users.get("eli")?.status}:${users.get("eli")?.connections}`);
        // One write per dropped tab: dua's tab on B may go a moment after ben's.
        const isSwept =
          users.get("ben")?.status === "offline" && users.get("dua")?.connections === 1;
        return isSwept ? users : undefined;
      }, WAIT_MS);
      const elapsed = Date.now() - killedAt;
      // A heartbeat of slack: four processes on two busy cores answer late.
      expect(elapsed).toBeLessThan(DEAD_NODE_BOUND_MS + HEARTBEAT_MS);
      expect(after.get("dua")).toMatchObject({ status: "online", connections: 1 });
      expect(after.get("ana")?.status).toBe("online");
      expect(after.get("cat")?.status).toBe("online");
      // A sweep after ben's would still be in time to drop it: watch one more heartbeat.
      const watchUntil = Date.now() + 2 * HEARTBEAT_MS;
      while (Date.now() < watchUntil) {
        const eli = (await rows(a)).get("eli");
        eliSeen.push(`${eli?.status}:${eli?.connections}`);
      }
      expect(new Set(eliSeen)).toEqual(new Set(["online:1"]));
      expect((await rows(c)).get("eli")).toMatchObject({
        status: "online",
        connections: 1,
        sessionStartedAt: sessionsBefore.get("eli"),
        currentPage: { path: "/quiz/3" },
      });
    });

    it("tabs of the dead node reconnecting to node A within the grace keep their sessions", async () => {
      await openTab(a, "ben", "tab-ben-1");
      await openTab(a, "dua", "tab-dua-b");
      const users = await eventually(async () => {
        const [onA, onC] = await Promise.all([rows(a), rows(c)]);
        return onA.get("ben")?.status === "online" &&
          onA.get("dua")?.connections === 2 &&
          shape(onA) === shape(onC)
          ? onA
          : undefined;
      });
      expect(users.get("ben")?.sessionStartedAt).toBe(sessionsBefore.get("ben"));
      expect(users.get("dua")?.sessionStartedAt).toBe(sessionsBefore.get("dua"));
    });

    it("analytics read through any node agree", async () => {
      const summary = async (node: number) => {
        const res = await fetch(
          `${nodes[node]!.url}/api/v1/apps/_all/analytics/users/summary?range=today`,
          { headers: { authorization: `Bearer ${viewer}` } },
        );
        return res.json();
      };
      const agreed = await eventually(async () => {
        const [onA, onC] = await Promise.all([summary(a), summary(c)]);
        return JSON.stringify(onA) === JSON.stringify(onC) ? onA : undefined;
      });
      expect(agreed).toMatchObject({ currentlyOnline: 5, totalRegistered: 5 });
    });

    it("an HTTP-transport tab that stops is offline on every node once its farewell beacon lands anywhere", async () => {
      const eli = httpTabs.find((t) => t.tab === "tab-eli-http")!;
      eli.isStopped = true;
      // As the tracker's pagehide beacon: the tab's state and a bye, here through node C.
      const sentAt = Date.now();
      await eli.post(nodes[c]!.url, [{ t: "bye" }]);
      for (const node of [a, c]) {
        const gone = await eventually(async () => {
          const eliThere = (await rows(node)).get("eli");
          return eliThere?.status === "offline" ? eliThere : undefined;
        });
        expect(gone.connections).toBe(0);
      }
      // Sooner than a heartbeat: the silence rule alone would take one more at the least.
      expect(Date.now() - sentAt).toBeLessThan(HEARTBEAT_MS);
    });

    it("/healthz reports the shared presence", async () => {
      const health = (await (await fetch(`${nodes[a]!.url}/healthz`)).json()) as Record<
        string,
        unknown
      >;
      expect(health).toMatchObject({
        status: "ok",
        database: "postgres",
        storage: "ok",
        presence: "ok",
      });
    });

    it("/metrics on every node shows the users by status as its presence API does, and /readyz is 200", async () => {
      const summaryOf = async (node: number) => {
        const res = await fetch(`${nodes[node]!.url}/api/v1/presence?limit=1`, {
          headers: { authorization: `Bearer ${viewer}` },
        });
        return ((await res.json()) as { summary: Record<string, number> }).summary;
      };
      for (const node of [a, c]) {
        const url = nodes[node]!.url;
        expect((await fetch(`${url}/readyz`)).status).toBe(200);
        // Read on both sides of the scrape: a status changing meanwhile means reading again.
        const { samples, summary } = await eventually(async () => {
          const before = await summaryOf(node);
          const text = await (await fetch(`${url}/metrics`)).text();
          const after = await summaryOf(node);
          return JSON.stringify(before) === JSON.stringify(after)
            ? { samples: parsePrometheusText(text), summary: after }
            : undefined;
        }, 10_000);
        for (const status of ["online", "idle", "offline"]) {
          expect(sampleValue(samples, "rollcall_users", { platform: "default", status })).toBe(
            summary[status],
          );
        }
        expect(sampleValue(samples, "rollcall_redis_up")).toBe(1);
        expect(sampleValue(samples, "rollcall_storage_up", { database: "postgres" })).toBe(1);
      }
    });
  },
);
