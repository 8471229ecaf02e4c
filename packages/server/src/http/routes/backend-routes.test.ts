import { connect } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestRollcall, TEST_SECRET, type TestRollcall } from "../../testing/test-rollcall.js";
import { EVENTS_BODY_BYTES, USERS_BODY_BYTES } from "./backend-routes.js";

let rollcall: TestRollcall;
beforeEach(async () => {
  rollcall = await startTestRollcall();
});
afterEach(async () => {
  await rollcall.stop();
});

function backend(path: string, method: string, body?: unknown, secret = TEST_SECRET) {
  return fetch(`${rollcall.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

describe("backend API", () => {
  it("upserts a user: 201 the first time, 200 after, and the live page lists them", async () => {
    const first = await backend("/api/v1/users/u1", "PUT", {
      name: "Ada",
      email: "ada@x.io",
      role: "Learner",
    });
    expect(first.status).toBe(201);
    const again = await backend("/api/v1/users/u1", "PUT", {
      name: "Ada L.",
      email: "ada@x.io",
      role: "Learner",
    });
    expect(again.status).toBe(200);
    expect(rollcall.directory.get("default", "u1")?.name).toBe("Ada L.");
    expect((await rollcall.storage.listUsers()).map((u) => u.name)).toEqual(["Ada L."]);
  });

  it("refuses a wrong secret, a viewer token and a missing header with 401", async () => {
    expect((await backend("/api/v1/users/u1", "PUT", { name: "A" }, "wrong-secret")).status).toBe(
      401,
    );
    const viewer = await rollcall.viewerToken("owner");
    expect((await backend("/api/v1/users/u1", "PUT", { name: "A" }, viewer)).status).toBe(401);
    const bare = await fetch(`${rollcall.url}/api/v1/users/u1`, { method: "PUT", body: "{}" });
    expect(bare.status).toBe(401);
  });

  it("answers 401 to a large body without the platform secret before any of the body is sent", async () => {
    for (const [path, bytes, authorization] of [
      ["/api/v1/events", EVENTS_BODY_BYTES, ""],
      ["/api/v1/events", EVENTS_BODY_BYTES, "authorization: Bearer wrong-secret\r\n"],
      ["/api/v1/users", USERS_BODY_BYTES, ""],
    ] as const) {
      const head = `POST ${path} HTTP/1.1\r\nhost: rollcall.test\r\ncontent-type: application/json\r\n${authorization}content-length: ${bytes}\r\n\r\n`;
      expect([path, authorization, await statusLineBeforeBody(rollcall.port, head)]).toEqual([
        path,
        authorization,
        "HTTP/1.1 401 Unauthorized",
      ]);
    }
  });

  it("names the field of a bad body", async () => {
    const response = await backend("/api/v1/events", "POST", {
      events: [
        { id: "e1", user: "u1", name: "message" },
        { id: "e2", user: "u1" },
      ],
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain(
      "events[1].name",
    );
  });

  it("stores a retried batch once and backfills past timestamps", async () => {
    const events = [
      { id: "e1", user: "u1", name: "message", app: "math", ts: "2026-01-05T10:00:00Z" },
      { id: "e2", user: "u1", name: "message", app: "math", ts: "2026-01-05T10:01:00+05:45" },
    ];
    expect((await backend("/api/v1/events", "POST", { events })).status).toBe(200);
    expect((await backend("/api/v1/events", "POST", { events })).status).toBe(200);
    expect(await rollcall.storage.countEvents("default")).toBe(2);
    // Events register the users they name.
    expect(rollcall.directory.get("default", "u1")?.name).toBe("u1");
  });

  it("refuses a NUL character anywhere in a body, naming where", async () => {
    const response = await backend("/api/v1/events", "POST", {
      events: [{ id: "n1", user: "u1", name: "mess\u0000age" }],
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain(
      "body.events[0].name: contains a NUL character",
    );
  });

  it("refuses events dated in the future", async () => {
    const response = await backend("/api/v1/events", "POST", {
      events: [{ id: "e1", user: "u1", name: "message", ts: "2999-01-01T00:00:00Z" }],
    });
    expect(response.status).toBe(422);
  });

  it("erases a user and all their data", async () => {
    await backend("/api/v1/users/u1", "PUT", { name: "Ada" });
    await backend("/api/v1/events", "POST", {
      events: [{ id: "e1", user: "u1", name: "message" }],
    });
    expect((await backend("/api/v1/users/u1", "DELETE")).status).toBe(204);
    expect(await rollcall.storage.countEvents("default")).toBe(0);
    expect(rollcall.directory.get("default", "u1")).toBeUndefined();
    expect((await backend("/api/v1/users/u1", "DELETE")).status).toBe(404);
  });
});

describe("bulk user upsert", () => {
  it("stores up to 1,000 users in one request and reports how many changed", async () => {
    const users = Array.from({ length: 3 }, (_, i) => ({
      id: `b${i}`,
      name: `B ${i}`,
      email: "",
      role: "Learner",
    }));
    const first = await backend("/api/v1/users", "POST", { users });
    expect(await first.json()).toEqual({ upserted: 3, changed: 3 });
    const again = await backend("/api/v1/users", "POST", { users });
    expect(await again.json()).toEqual({ upserted: 3, changed: 0 });
    expect((await rollcall.storage.listUsers()).length).toBe(3);
  });

  it("refuses a batch over the limit with a clear error", async () => {
    const users = Array.from({ length: 1001 }, (_, i) => ({ id: `b${i}`, name: "x" }));
    const response = await backend("/api/v1/users", "POST", { users });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain(
      "users",
    );
  });
});

describe("event retention", () => {
  it("refuses events older than the retention window, naming the field", async () => {
    await rollcall.stop();
    rollcall = await startTestRollcall({ ROLLCALL_EVENT_RETENTION_DAYS: "30" });
    const old = new Date(Date.now() - 40 * 86_400_000).toISOString();
    const response = await backend("/api/v1/events", "POST", {
      events: [{ id: "r1", user: "u1", name: "message", ts: old }],
    });
    expect(response.status).toBe(422);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain(
      "events[0].ts",
    );
    const recent = await backend("/api/v1/events", "POST", {
      events: [{ id: "r2", user: "u1", name: "message", ts: new Date().toISOString() }],
    });
    expect(recent.status).toBe(200);
  });
});

/** Sends only `head` (a request whose body never follows) and resolves with the status line. */
function statusLineBeforeBody(port: number, head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: "127.0.0.1" });
    let text = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      text += chunk;
      const end = text.indexOf("\r\n");
      if (end < 0) return;
      socket.destroy();
      resolve(text.slice(0, end));
    });
    socket.on("error", reject);
    socket.on("close", () => reject(new Error(`closed without an answer: ${text}`)));
    socket.write(head);
  });
}
