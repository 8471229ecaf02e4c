// Limits on what one tracker client may use: frame rate, frame size, connections, HTTP batches.
import { PROTOCOL_VERSION } from "@rollcall/protocol";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import {
  startTestRollcall,
  type TestRollcall,
  TestTab,
  WAIT_MS,
} from "../testing/test-rollcall.js";
import { ConnectionCounter } from "./tracker-limits.js";
import { TRACKER_SOCKET_PATH } from "./tracker-socket.js";

let rollcall: TestRollcall | null = null;
afterEach(async () => {
  await rollcall?.stop();
  rollcall = null;
});

// Time stands still on these servers: a busy machine neither refills a rate bucket nor drops
// a tab left silent for the test server's 2 s.
let frozen = Date.now();

async function start(limits = {}): Promise<TestRollcall> {
  frozen = Date.now();
  rollcall = await startTestRollcall({}, undefined, () => frozen, { limits });
  return rollcall;
}

describe("ConnectionCounter", () => {
  it("refuses past its ceiling and gives slots back", () => {
    const counter = new ConnectionCounter(2);
    expect([counter.tryAdd("a"), counter.tryAdd("a"), counter.tryAdd("a")]).toEqual([
      true,
      true,
      false,
    ]);
    expect(counter.tryAdd("b")).toBe(true);
    counter.remove("a");
    expect(counter.tryAdd("a")).toBe(true);
    expect(counter.count("a")).toBe(2);
  });
});

describe("tracker socket limits", () => {
  it("closes a socket sending faster than its frame rate with 4429 and says why", async () => {
    const server = await start({ framesPerSecond: 5, frameBurst: 20 });
    const tab = new TestTab(server.url, "tab-rate-0001");
    await tab.open(await server.userToken("u1"));
    for (let i = 0; i < 40; i++) tab.send({ t: "hb" });
    expect(await tab.next()).toMatchObject({ t: "error", code: "rate_limited" });
    expect(await tab.closed()).toBe(4429);
  });

  it("lets a reconnecting tab resend a full queue of 500 events at the default limits", async () => {
    const server = await start();
    const tab = new TestTab(server.url, "tab-queue-0001");
    await tab.open(await server.userToken("u1"));
    for (let i = 0; i < 500; i++) {
      tab.send({ t: "event", id: `e-${i}`, name: "message", ts: frozen });
    }
    const acked = new Set<string>();
    while (acked.size < 500) {
      const message = await tab.next();
      expect(message.t).toBe("ack");
      if (message.t === "ack") for (const id of message.ids) acked.add(id);
    }
    expect(await server.storage.countEvents("default")).toBe(500);
    tab.close();
  });

  it("closes a socket sending a message over 16 KB with 1009", async () => {
    const server = await start();
    const tab = new TestTab(server.url, "tab-big-00001");
    await tab.open(await server.userToken("u1"));
    tab.sendRaw(JSON.stringify({ t: "page", page: { path: "/", title: "x".repeat(20_000) } }));
    expect(await tab.closed()).toBe(1009);
  });

  it("refuses a user's connection past the per-user limit with 4429, and frees it on close", async () => {
    const server = await start({ connectionsPerUser: 2 });
    const token = await server.userToken("u1");
    const tabs = ["tab-user-0001", "tab-user-0002"].map((id) => new TestTab(server.url, id));
    for (const tab of tabs) expect(await tab.open(token)).toMatchObject({ t: "welcome" });
    const third = new TestTab(server.url, "tab-user-0003");
    expect(await third.open(token)).toMatchObject({
      t: "error",
      code: "rate_limited",
      message: expect.stringContaining("limit 2"),
    });
    expect(await third.closed()).toBe(4429);
    // Another user is not affected, and a closed tab gives its slot back.
    expect(
      await new TestTab(server.url, "tab-other-001").open(await server.userToken("u2")),
    ).toMatchObject({ t: "welcome" });
    tabs[0]!.close();
    await tabs[0]!.closed();
    const again = new TestTab(server.url, "tab-user-0004");
    await expect
      .poll(async () => (await again.open(token)).t, { timeout: WAIT_MS })
      .toBe("welcome");
  });

  it("refuses an address past the per-address limit before the upgrade, with a JSON 429", async () => {
    const server = await start({ connectionsPerAddress: 2 });
    const url = `${server.url.replace(/^http/, "ws")}${TRACKER_SOCKET_PATH}`;
    const open = [new WebSocket(url), new WebSocket(url)];
    await Promise.all(open.map((ws) => new Promise((resolve) => ws.once("open", resolve))));
    const refused = new WebSocket(url);
    const response = await new Promise<{ status: number; body: string }>((resolve) => {
      refused.once("unexpected-response", (_req, res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => {
          body += chunk.toString();
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
    });
    expect(response.status).toBe(429);
    expect(JSON.parse(response.body)).toMatchObject({ error: { code: "rate_limited" } });
    for (const ws of open) ws.close();
  });
});

describe("HTTP tracker limits", () => {
  it("answers 429 with Retry-After once an address posts over its rate", async () => {
    // Time stands still, so the bucket does not refill however slow the machine is.
    const server = await start();
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 210; i++) {
      const response = await fetch(`${server.url}/api/v1/track`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ hello: { t: "hello", v: PROTOCOL_VERSION }, messages: [] }),
      });
      statuses.push(response.status);
      if (response.status === 429) {
        retryAfter = response.headers.get("retry-after");
        expect(await response.json()).toMatchObject({ error: { code: "rate_limited" } });
        break;
      }
      await response.body?.cancel();
    }
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.length).toBe(201);
    expect(statuses.filter((s) => s === 400).length).toBe(200);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  });
});
