// After a restart the analytics are read from the file beside everything else: the server answers
// at once, an analytics request waits for the load, and the answers are those before the restart.
import { afterAll, describe, expect, it } from "vitest";
import { startTestRollcall, TEST_SECRET, type TestRollcall } from "../testing/test-rollcall.js";

const NOW = Date.UTC(2026, 10, 10, 15, 7, 0);
const PATHS = [
  "/api/v1/apps/_all/analytics/users/active-over-time?range=7d&tz=Europe/Berlin",
  "/api/v1/apps/math/analytics/users/heatmap?range=7d&tz=Asia/Kathmandu",
  "/api/v1/apps/math/analytics/users/table?range=7d&tz=UTC&sort=messagesSent&order=desc",
];

let rollcall: TestRollcall | null = null;
afterAll(async () => {
  await rollcall?.stop();
});

async function answers(server: TestRollcall): Promise<unknown[]> {
  const headers = { authorization: `Bearer ${await server.viewerToken("owner")}` };
  return Promise.all(
    PATHS.map(async (path) => {
      const response = await fetch(`${server.url}${path}`, { headers });
      expect(response.status).toBe(200);
      return response.json();
    }),
  );
}

async function analyticsState(server: TestRollcall): Promise<unknown> {
  const response = await fetch(`${server.url}/healthz`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { analytics: unknown }).analytics;
}

describe("the analytics after a restart", () => {
  it("are served as before, the server answering while they load", async () => {
    const first = await startTestRollcall({}, undefined, () => NOW);
    const events = Array.from({ length: 300 }, (_, i) => ({
      id: `e${i}`,
      user: `u${i % 23}`,
      name: i % 3 === 0 ? "view" : "message",
      app: i % 4 === 0 ? "essay" : "math",
      ts: new Date(NOW - ((i * 7_919) % (6 * 86_400)) * 1_000).toISOString(),
    }));
    const posted = await fetch(`${first.url}/api/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_SECRET}`, "content-type": "application/json" },
      body: JSON.stringify({ events }),
    });
    expect(posted.status).toBe(200);
    const before = await answers(first);
    await first.stop(false);

    rollcall = await startTestRollcall({}, first.dataDir, () => NOW);
    expect(["loading", "ready"]).toContain(await analyticsState(rollcall));
    expect(await answers(rollcall)).toEqual(before);
    expect(await analyticsState(rollcall)).toBe("ready");
  });
});
