// PostgreSQL going away and coming back: presence goes on, events are refused, then all recover alone.
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import {
  type PrivatePostgres,
  postgresBinDir,
  startPrivatePostgres,
} from "../../testing/private-postgres.js";
import { parsePrometheusText, sampleValue } from "../../testing/prometheus-text.js";
import {
  eventually,
  startTestRollcall,
  TEST_SECRET,
  type TestRollcall,
  TestTab,
} from "../../testing/test-rollcall.js";
import { IS_POSTGRES_REQUIRED } from "./postgres-test-database.js";

const binDir = postgresBinDir();
if (!binDir && IS_POSTGRES_REQUIRED) throw new Error("CI=true needs /usr/lib/postgresql/*/bin");

interface Health {
  status: string;
  storage: string;
  presence: string;
}

describe.skipIf(!binDir)(
  `a node whose PostgreSQL goes away${binDir ? "" : " (skipped: no /usr/lib/postgresql/*/bin/initdb)"}`,
  () => {
    let postgres: PrivatePostgres | null = null;
    let rollcall: TestRollcall | null = null;
    const tabs: TestTab[] = [];

    afterAll(async () => {
      for (const tab of tabs) tab.close();
      await rollcall?.stop();
      await postgres?.remove();
    });

    const health = async () => (await (await fetch(`${rollcall!.url}/healthz`)).json()) as Health;
    const readyz = async () => {
      const response = await fetch(`${rollcall!.url}/readyz`);
      return { status: response.status, body: (await response.json()) as unknown };
    };
    const postEvents = (ids: string[]) =>
      fetch(`${rollcall!.url}/api/v1/events`, {
        method: "POST",
        headers: { authorization: `Bearer ${TEST_SECRET}`, "content-type": "application/json" },
        body: JSON.stringify({
          events: ids.map((id) => ({ id, user: "backend", name: "graded" })),
        }),
      });
    async function openTab(user: string, tab: string, path = "/") {
      const tracker = new TestTab(rollcall!.url, tab);
      tabs.push(tracker);
      const welcome = await tracker.open(await rollcall!.userToken(user), {
        path,
        title: path,
        app: null,
      });
      return { tracker, welcome };
    }
    const sendEvent = (tracker: TestTab, id: string) =>
      tracker.send({ t: "event", id, name: "message", ts: Date.now() });
    async function presenceOf(user: string) {
      const viewer = await rollcall!.viewerToken();
      const res = await fetch(`${rollcall!.url}/api/v1/presence`, {
        headers: { authorization: `Bearer ${viewer}` },
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as {
        users: Array<{ id: string; status: string; currentPage: { path: string } | null }>;
      };
      return body.users.find((u) => u.id === user);
    }
    async function storedCounts(): Promise<Map<string, number>> {
      const client = new pg.Client({ connectionString: postgres!.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ id: string; n: string }>(
          "SELECT id, count(*) AS n FROM events GROUP BY id",
        );
        return new Map(rows.map((row) => [row.id, Number(row.n)]));
      } finally {
        await client.end();
      }
    }

    it("keeps presence, refuses events with unavailable, says storage is down, and recovers alone", async () => {
      postgres = await startPrivatePostgres(binDir!);
      // Time stands still for presence: stopping and starting PostgreSQL takes seconds of wall
      // time, in which the test server (2 s of silence) would drop the tabs the test keeps.
      const now = Date.now();
      rollcall = await startTestRollcall(
        { ROLLCALL_DATABASE_URL: postgres.url },
        undefined,
        () => now,
      );
      const acknowledged = new Set<string>();

      // Before: both transports acknowledge.
      const ada = await openTab("ada", "ada-tab-1");
      expect(ada.welcome).toMatchObject({ t: "welcome" });
      sendEvent(ada.tracker, "ws-before");
      expect(await ada.tracker.next()).toEqual({ t: "ack", ids: ["ws-before"] });
      acknowledged.add("ws-before");
      expect((await postEvents(["http-before"])).status).toBe(200);
      acknowledged.add("http-before");
      expect(await health()).toMatchObject({ status: "ok", storage: "ok" });

      await postgres.stop();

      // Events are refused with a clear error, never acknowledged.
      const refused = await postEvents(["http-during"]);
      expect(refused.status).toBe(503);
      expect(await refused.json()).toMatchObject({ error: { code: "unavailable" } });
      sendEvent(ada.tracker, "ws-during");
      expect(await ada.tracker.next(20_000)).toMatchObject({ t: "error", code: "unavailable" });
      expect(await ada.tracker.closed()).toBe(1012);
      expect(ada.tracker.inbox.some((m) => m.t === "ack")).toBe(false);

      // The node says so; analytics answer unavailable, not internal.
      await eventually(
        async () => ((await health()).storage === "down" ? true : undefined),
        20_000,
      );
      expect((await health()).status).toBe("degraded");
      // Load balancers take the node out; /healthz still answers (the process is alive).
      expect(await readyz()).toMatchObject({
        status: 503,
        body: { error: { code: "unavailable", message: expect.stringMatching(/storage down/) } },
      });
      const metrics = parsePrometheusText(await (await fetch(`${rollcall.url}/metrics`)).text());
      expect(sampleValue(metrics, "rollcall_storage_up", { database: "postgres" })).toBe(0);
      expect(sampleValue(metrics, "rollcall_fact_writer_failures_total")).toBeGreaterThan(0);
      const apps = await fetch(`${rollcall.url}/api/v1/apps`, {
        headers: { authorization: `Bearer ${await rollcall.viewerToken()}` },
      });
      expect(apps.status).toBe(503);
      expect(await apps.json()).toMatchObject({ error: { code: "unavailable" } });

      // Live presence goes on: a new tab connects and changes page, and the board shows it.
      const bo = await openTab("bo", "bo-tab-1", "/course");
      expect(bo.welcome).toMatchObject({ t: "welcome" });
      bo.tracker.send({ t: "page", page: { path: "/course/week-2", title: "Week 2", app: null } });
      await eventually(async () => {
        const row = await presenceOf("bo");
        return row?.status === "online" && row.currentPage?.path === "/course/week-2"
          ? true
          : undefined;
      });

      await postgres.start();

      // Recovery without a restart: resent events are acknowledged, the node is ok again.
      await eventually(async () => ((await health()).storage === "ok" ? true : undefined), 20_000);
      expect((await health()).status).toBe("ok");
      expect(await readyz()).toMatchObject({ status: 200, body: { storage: "ok" } });
      const again = await openTab("ada", "ada-tab-1");
      expect(again.welcome).toMatchObject({ t: "welcome" });
      sendEvent(again.tracker, "ws-during");
      sendEvent(again.tracker, "ws-before"); // a resend of an acknowledged one: stored once
      const acks = new Set<string>();
      while (acks.size < 2) {
        const message = await again.tracker.next();
        if (message.t === "ack") for (const id of message.ids) acks.add(id);
      }
      for (const id of acks) acknowledged.add(id);
      const resent = await postEvents(["http-during", "http-before"]);
      expect(resent.status).toBe(200);
      acknowledged.add("http-during");

      const counts = await storedCounts();
      for (const id of acknowledged) expect({ id, n: counts.get(id) }).toEqual({ id, n: 1 });
      expect([...counts.keys()].sort()).toEqual([...acknowledged].sort());
    }, 180_000); // a private PostgreSQL stopped and started: seconds each on a busy machine
  },
);
