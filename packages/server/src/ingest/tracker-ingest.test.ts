import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import {
  eventually,
  startTestRollcall,
  type TestRollcall,
  TestTab,
} from "../testing/test-rollcall.js";

let rollcall: TestRollcall;
// The server's clock stands still unless a test moves it: on a busy machine a tab left silent
// for 2 s of wall time would otherwise be dropped (heartbeat every 1 s) or turn idle.
let now: number;
const clock = () => now;

beforeEach(async () => {
  now = Date.now();
  rollcall = await startTestRollcall({}, undefined, clock);
});
afterEach(async () => {
  await rollcall.stop();
});

async function presence(query = "") {
  const response = await fetch(`${rollcall.url}/api/v1/presence${query}`, {
    headers: { authorization: `Bearer ${await rollcall.viewerToken()}` },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as {
    summary: { online: number; idle: number; totalUsers: number };
    users: Array<{
      id: string;
      status: string;
      connections: number;
      currentPage: { path: string; app: string | null } | null;
      sessionStartedAt: string | null;
    }>;
  };
}

describe("tracker over WebSocket", () => {
  it("welcomes a valid hello and shows the user online on that page", async () => {
    const tab = new TestTab(rollcall.url, "tab-aaaa-0001");
    const welcome = await tab.open(await rollcall.userToken("u1", { name: "Ada" }), {
      path: "/lesson/1",
      title: "Lesson 1",
      app: "math",
    });
    expect(welcome).toMatchObject({ t: "welcome", user: "u1", heartbeatMs: 1000, idleMs: 2000 });
    const body = await presence();
    expect(body.summary.online).toBe(1);
    expect(body.users[0]).toMatchObject({
      id: "u1",
      status: "online",
      connections: 1,
      currentPage: { path: "/lesson/1", app: "math" },
    });
    tab.send({ t: "page", page: { path: "/lesson/2", title: "Lesson 2", app: "math" } });
    await eventually(async () =>
      (await presence()).users[0]?.currentPage?.path === "/lesson/2" ? true : undefined,
    );
    tab.close();
  });

  it("counts two tabs of one user as one user with two connections", async () => {
    const token = await rollcall.userToken("u1");
    const a = new TestTab(rollcall.url, "tab-aaaa-0001");
    const b = new TestTab(rollcall.url, "tab-bbbb-0002");
    await a.open(token);
    await b.open(token, { path: "/other", title: "Other", app: null });
    const body = await presence();
    expect(body.summary.totalUsers).toBe(1);
    expect(body.users[0]).toMatchObject({ status: "online", connections: 2 });
    expect(body.users[0]?.currentPage?.path).toBe("/other");
    a.close();
    b.close();
  });

  it("makes the user offline at once when the last tab closes, keeping the session within grace", async () => {
    const token = await rollcall.userToken("u1");
    const tab = new TestTab(rollcall.url, "tab-aaaa-0001");
    await tab.open(token);
    const started = (await presence()).users[0]?.sessionStartedAt;
    tab.close();
    await eventually(async () =>
      (await presence()).users[0]?.status === "offline" ? true : undefined,
    );
    const again = new TestTab(rollcall.url, "tab-aaaa-0001");
    await again.open(token);
    expect((await presence()).users[0]?.sessionStartedAt).toBe(started);
    again.close();
  });

  it("refuses a bad token with an error frame and close code 4001", async () => {
    const tab = new TestTab(rollcall.url, "tab-aaaa-0001");
    const reply = await tab.open("not-a-token");
    expect(reply).toMatchObject({ t: "error", code: "token_invalid" });
    expect(await tab.closed()).toBe(4001);
  });

  it("closes with 4400 and names the field of an invalid message", async () => {
    const tab = new TestTab(rollcall.url, "tab-aaaa-0001");
    await tab.open(await rollcall.userToken("u1"));
    tab.send({ t: "page", page: { path: 42, title: "x" } });
    const reply = await tab.next();
    expect(reply).toMatchObject({ t: "error", code: "invalid_body" });
    expect(reply.t === "error" && reply.message).toContain("message.page.path");
    expect(await tab.closed()).toBe(4400);
  });

  it("keeps a tab connected on heartbeats alone past the silence limit, and refuses one before hello", async () => {
    const tab = new TestTab(rollcall.url, "tab-aaaa-0001");
    await tab.open(await rollcall.userToken("u1"));
    // The test server beats every 1 s and closes a tab silent for 2 s (checked every 1 s).
    for (let i = 0; i < 6; i++) {
      tab.sendRaw('{"t":"hb"}');
      await tab.heard();
      now += 450;
      await new Promise((resolve) => setTimeout(resolve, 450));
    }
    // Longer than the 1-s sweep: it has run on the clock as it stands, 2.7 s after the hello.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(tab.closeCode).toBeNull();
    // Connected (no input for over idleMs: idle), not dropped.
    expect((await presence()).users[0]).toMatchObject({ id: "u1", status: "idle", connections: 1 });
    tab.close();

    const early = new WebSocket(`${rollcall.url.replace(/^http/, "ws")}/api/v1/track/ws`);
    const replies: string[] = [];
    early.on("message", (data) => replies.push(String(data)));
    const code = new Promise<number>((resolve) => early.on("close", resolve));
    await new Promise((resolve) => early.once("open", resolve));
    early.send('{"t":"hb"}');
    expect(await code).toBe(4400);
    expect(JSON.parse(replies[0] ?? "{}")).toMatchObject({ t: "error", code: "unauthorized" });
  });

  it("acknowledges an event once durable and stores a repeated id once", async () => {
    const tab = new TestTab(rollcall.url, "tab-aaaa-0001");
    await tab.open(await rollcall.userToken("u1"), { path: "/m", title: "M", app: "math" });
    const event = { t: "event", id: "evt-1", name: "message", ts: now };
    tab.send(event);
    expect(await tab.next()).toEqual({ t: "ack", ids: ["evt-1"] });
    tab.send(event);
    expect(await tab.next()).toEqual({ t: "ack", ids: ["evt-1"] });
    expect(await rollcall.storage.countEvents("default")).toBe(1);
    tab.close();
  });

  it("switches the connection to another user on identify", async () => {
    const tab = new TestTab(rollcall.url, "tab-aaaa-0001");
    await tab.open(await rollcall.userToken("u1"));
    tab.send({ t: "identify", token: await rollcall.userToken("u2") });
    expect(await tab.next()).toMatchObject({ t: "welcome", user: "u2" });
    const body = await presence("?status=live");
    expect(body.users.map((u) => u.id)).toEqual(["u2"]);
    tab.close();
  });
});

describe("tracker over HTTP", () => {
  it("accepts a batch, shows the user and acknowledges its events", async () => {
    const hello = {
      t: "hello",
      v: 1,
      token: await rollcall.userToken("u9"),
      tab: "tab-http-0001",
      page: { path: "/h", title: "Over HTTP" },
      visible: true,
    };
    const response = await fetch(`${rollcall.url}/api/v1/track`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: JSON.stringify({
        hello,
        messages: [{ t: "event", id: "h1", name: "message", ts: now }],
      }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      welcome: { t: "welcome", user: "u9" },
      acks: ["h1"],
    });
    expect((await presence()).users[0]).toMatchObject({ id: "u9", status: "online" });
  });

  it("answers a malformed batch with 400 naming the field", async () => {
    const response = await fetch(`${rollcall.url}/api/v1/track`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ hello: { t: "hello" }, messages: [] }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("invalid_body");
    expect(body.error.message).toMatch(/hello\.v/);
  });
});

describe("viewer access", () => {
  it("refuses the presence API without a viewer and to instructors", async () => {
    expect((await fetch(`${rollcall.url}/api/v1/presence`)).status).toBe(401);
    const instructor = await rollcall.viewerToken("instructor", ["math"]);
    const response = await fetch(`${rollcall.url}/api/v1/presence`, {
      headers: { authorization: `Bearer ${instructor}` },
    });
    expect(response.status).toBe(403);
  });

  it("turns an /embed token into a session cookie that opens the API", async () => {
    const response = await fetch(
      `${rollcall.url}/embed?token=${await rollcall.viewerToken("admin")}`,
      {
        redirect: "manual",
      },
    );
    expect(response.status).toBe(302);
    const cookie = response.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/HttpOnly/);
    const me = await fetch(`${rollcall.url}/api/v1/me`, {
      headers: { cookie: cookie.split(";")[0]! },
    });
    expect(((await me.json()) as { viewer: { role: string } }).viewer.role).toBe("admin");
  });

  it("redirects a page request without a viewer to the login page", async () => {
    const response = await fetch(`${rollcall.url}/wall`, { redirect: "manual" });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/login?next=%2Fwall");
  });
});

describe("restart", () => {
  it("continues a session when the tab reconnects to a restarted server within grace", async () => {
    const token = await rollcall.userToken("u1");
    const tab = new TestTab(rollcall.url, "tab-aaaa-0001");
    await tab.open(token);
    const started = (await presence()).users[0]?.sessionStartedAt;
    await rollcall.stop(false);
    rollcall = await startTestRollcall({}, rollcall.dataDir, clock);
    const again = new TestTab(rollcall.url, "tab-aaaa-0001");
    await again.open(token);
    expect((await presence()).users[0]?.sessionStartedAt).toBe(started);
    again.close();
  });
});
