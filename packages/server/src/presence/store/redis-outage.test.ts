// Redis going away and coming back: the node says so, refuses presence changes, then recovers alone.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { parsePrometheusText, sampleValue } from "../../testing/prometheus-text.js";
import { freePort } from "../../testing/server-process.js";
import { IS_REDIS_REQUIRED, isRedisReachable } from "../../testing/test-redis.js";
import {
  eventually,
  startTestRollcall,
  type TestRollcall,
  TestTab,
} from "../../testing/test-rollcall.js";

const REDIS_SERVER = "/usr/bin/redis-server";
const hasRedisServer = existsSync(REDIS_SERVER);
if (!hasRedisServer && IS_REDIS_REQUIRED) throw new Error(`CI=true needs ${REDIS_SERVER}`);

/** A throwaway redis-server of this test's own (never the shared one), without persistence. */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    REDIS_SERVER,
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    {
      stdio: "ignore",
    },
  );
  await eventually(async () =>
    (await isRedisReachable(`redis://127.0.0.1:${port}`)) ? true : undefined,
  );
  return child;
}

async function stopRedis(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
}

describe.skipIf(!hasRedisServer)(
  `a node whose Redis goes away${hasRedisServer ? "" : ` (skipped: no ${REDIS_SERVER})`}`,
  () => {
    let redis: ChildProcess | null = null;
    let rollcall: TestRollcall | null = null;
    const tabs: TestTab[] = [];

    afterAll(async () => {
      for (const tab of tabs) tab.close();
      await rollcall?.stop();
      if (redis) await stopRedis(redis);
    });

    async function hello(user: string, tabId: string) {
      const tab = new TestTab(rollcall!.url, tabId);
      tabs.push(tab);
      return tab.open(await rollcall!.userToken(user));
    }
    const health = async () =>
      (await (await fetch(`${rollcall!.url}/healthz`)).json()) as {
        status: string;
        presence: string;
      };

    it("reports it, refuses presence changes with unavailable, and recovers when Redis is back", async () => {
      const port = await freePort();
      redis = await startRedis(port);
      // Time stands still for presence: a busy machine pausing for 2 s would otherwise make a
      // tab idle (cy must be seen online) or drop it.
      const now = Date.now();
      rollcall = await startTestRollcall(
        { ROLLCALL_REDIS_URL: `redis://127.0.0.1:${port}`, ROLLCALL_REDIS_PREFIX: "outage" },
        undefined,
        () => now,
      );
      expect(await hello("ada", "tab-before")).toMatchObject({ t: "welcome" });
      expect(await health()).toMatchObject({ status: "ok", presence: "ok" });

      await stopRedis(redis);
      await eventually(async () => ((await health()).presence === "down" ? true : undefined));
      expect((await health()).status).toBe("degraded");
      const notReady = await fetch(`${rollcall.url}/readyz`);
      expect(notReady.status).toBe(503);
      expect(await notReady.json()).toMatchObject({
        error: { message: expect.stringMatching(/redis down/) },
      });
      const metrics = parsePrometheusText(await (await fetch(`${rollcall.url}/metrics`)).text());
      expect(sampleValue(metrics, "rollcall_redis_up")).toBe(0);
      expect(await hello("bo", "tab-during")).toMatchObject({ t: "error", code: "unavailable" });

      redis = await startRedis(port);
      await eventually(async () => ((await health()).presence === "ok" ? true : undefined));
      expect(await (await fetch(`${rollcall.url}/readyz`)).json()).toMatchObject({ redis: "ok" });
      expect(await hello("cy", "tab-after1")).toMatchObject({ t: "welcome" });
      const viewer = await rollcall.viewerToken();
      await eventually(async () => {
        const res = await fetch(`${rollcall!.url}/api/v1/presence`, {
          headers: { authorization: `Bearer ${viewer}` },
        });
        const body = (await res.json()) as { users: Array<{ id: string; status: string }> };
        return body.users.find((u) => u.id === "cy")?.status === "online" ? true : undefined;
      });
    });
  },
);
