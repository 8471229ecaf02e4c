// POST /api/v1/track against a real server: a user's tabs over HTTP count with their WebSockets.
import { PROTOCOL_VERSION } from "@rollcall/protocol";
import { afterEach, describe, expect, it } from "vitest";
import {
  startTestRollcall,
  type TestRollcall,
  TestTab,
  WAIT_MS,
} from "../../testing/test-rollcall.js";

let rollcall: TestRollcall | null = null;
afterEach(async () => {
  await rollcall?.stop();
  rollcall = null;
});

/** One batch of a tab over HTTP: its hello and a heartbeat; the status and error code if any. */
async function post(server: TestRollcall, token: string, tab: string) {
  const response = await fetch(`${server.url}/api/v1/track`, {
    method: "POST",
    headers: { "content-type": "text/plain" },
    body: JSON.stringify({
      hello: {
        t: "hello",
        v: PROTOCOL_VERSION,
        token,
        tab,
        page: { path: "/", title: "Home" },
        visible: true,
      },
      messages: [{ t: "hb" }],
    }),
  });
  const body = (await response.json()) as { error?: { code: string; message: string } };
  return {
    status: response.status,
    error: body.error ?? null,
    retryAfter: response.headers.get("retry-after"),
  };
}

describe("POST /api/v1/track: tabs per user", () => {
  it("refuses a user's new HTTP tab once their WebSocket and HTTP tabs reach the cap, and takes it once one closes", async () => {
    // Time stands still: a busy machine drops none of the tabs (silent 2 s on the test server).
    const now = Date.now();
    const server = await startTestRollcall({}, undefined, () => now, {
      limits: { connectionsPerUser: 3 },
    });
    rollcall = server;
    const token = await server.userToken("u1");
    const socketTab = new TestTab(server.url, "tab-ws-000001");
    expect(await socketTab.open(token)).toMatchObject({ t: "welcome" });
    expect((await post(server, token, "tab-http-00001")).status).toBe(200);
    expect((await post(server, token, "tab-http-00002")).status).toBe(200);

    expect(await post(server, token, "tab-http-00003")).toEqual({
      status: 429,
      error: { code: "rate_limited", message: expect.stringContaining("limit 3") },
      retryAfter: "30",
    });
    // The tabs it holds go on posting; another user has a count of their own.
    expect((await post(server, token, "tab-http-00001")).status).toBe(200);
    expect((await post(server, await server.userToken("u2"), "tab-http-00003")).status).toBe(200);

    socketTab.close();
    await socketTab.closed();
    await expect
      .poll(async () => (await post(server, token, "tab-http-00003")).status, { timeout: WAIT_MS })
      .toBe(200);
  });
});
