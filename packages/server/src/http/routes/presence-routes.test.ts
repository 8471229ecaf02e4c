// GET /api/v1/presence against a real server: its CSV, and how many live streams one viewer may hold.
import { afterEach, describe, expect, it } from "vitest";
import { STREAMS_PER_VIEWER } from "../../live/presence-feed.js";
import {
  eventually,
  startTestRollcall,
  TEST_SECRET,
  type TestRollcall,
  TestTab,
  WAIT_MS,
} from "../../testing/test-rollcall.js";

let rollcall: TestRollcall | null = null;
const streams: AbortController[] = [];
const tabs: TestTab[] = [];
/**
 * Every open stream's response, kept until the test ends: fetch cancels the body of a response
 * that is garbage-collected unread, which would close a stream the test means to hold open.
 */
const held: Response[] = [];
const WAIT = { timeout: WAIT_MS };
afterEach(async () => {
  held.length = 0;
  for (const stream of streams.splice(0)) stream.abort();
  for (const tab of tabs.splice(0)) tab.close();
  await rollcall?.stop();
  rollcall = null;
});

/** Opens the stream with `token`, leaving it open (never read) when it is a 200. */
async function openStream(server: TestRollcall, token: string) {
  const stream = new AbortController();
  streams.push(stream);
  const response = await fetch(`${server.url}/api/v1/presence/stream`, {
    headers: { authorization: `Bearer ${token}` },
    signal: stream.signal,
  });
  held.push(response);
  const body =
    response.status === 200
      ? null
      : ((await response.json()) as { error: { code: string; message: string } });
  return { status: response.status, error: body?.error ?? null, close: () => stream.abort() };
}

describe("GET /api/v1/presence/stream: streams per viewer", () => {
  it("refuses a viewer's stream over the cap with 429 rate_limited, serves other viewers, and takes it once one closes", async () => {
    const server = await startTestRollcall();
    rollcall = server;
    const owner = await server.viewerToken("owner");
    const open = [];
    for (let i = 0; i < STREAMS_PER_VIEWER; i++) {
      const stream = await openStream(server, owner);
      expect(stream.status).toBe(200);
      open.push(stream);
    }
    expect(await openStream(server, owner)).toMatchObject({
      status: 429,
      error: { code: "rate_limited", message: expect.stringContaining(`${STREAMS_PER_VIEWER}`) },
    });
    expect((await openStream(server, await server.viewerToken("admin"))).status).toBe(200);

    open[0]!.close();
    await expect
      .poll(async () => {
        const stream = await openStream(server, owner);
        return stream.status;
      }, WAIT)
      .toBe(200);
  });
});

describe("GET /api/v1/presence/stream: credentials", () => {
  it("ends an open stream once its session is revoked, and the reconnect is refused", async () => {
    const server = await startTestRollcall({}, undefined, undefined, { streamRecheckMs: 100 });
    rollcall = server;
    const embed = await fetch(`${server.url}/embed?token=${await server.viewerToken("admin")}`, {
      redirect: "manual",
    });
    const cookie = (embed.headers.get("set-cookie") ?? "").split(";")[0]!;
    const stream = new AbortController();
    streams.push(stream);
    const response = await fetch(`${server.url}/api/v1/presence/stream`, {
      headers: { cookie },
      signal: stream.signal,
    });
    expect(response.status).toBe(200);
    // Read to the end: it ends only when the server ends it.
    let hasEnded = false;
    void (async () => {
      const reader = response.body!.getReader();
      // The snapshot, then changes, until the server ends it.
      while (!(await reader.read()).done) {}
      hasEnded = true;
    })();

    expect(await server.storage.deleteViewerSessions({ viewer: "viewer-admin" })).toBe(1);
    await expect.poll(() => hasEnded, WAIT).toBe(true);
    const again = await fetch(`${server.url}/api/v1/presence/stream`, { headers: { cookie } });
    expect(again.status).toBe(401);
  }, 60_000);
});

describe("GET /api/v1/presence?format=csv", () => {
  it("writes every row the filters keep, in the page's order, times in the zone with its offset", async () => {
    const server = await startTestRollcall();
    rollcall = server;
    const owner = await server.viewerToken("owner");
    const get = (query: string, accept = "application/json") =>
      fetch(`${server.url}/api/v1/presence?${query}`, {
        headers: { authorization: `Bearer ${owner}`, accept },
      });
    for (const [id, name] of [
      ["ana", "Ana Núñez"],
      ["ben", "=cmd|' /C calc'!A0"],
      ["cy", 'Cy, "the" third'],
    ]) {
      await fetch(`${server.url}/api/v1/users/${id}`, {
        method: "PUT",
        headers: { authorization: `Bearer ${TEST_SECRET}`, "content-type": "application/json" },
        body: JSON.stringify({ name, email: `${id}@school.example`, role: "Learner" }),
      });
    }
    const tab = new TestTab(server.url, "tab-csv-1");
    tabs.push(tab);
    await tab.open(
      await server.userToken("ana", { name: "Ana Núñez", email: "ana@school.example" }),
      {
        path: "/admin/users",
        title: "Users",
        app: "school",
      },
    );
    await eventually(async () => {
      const page = (await (await get("status=live")).json()) as { matched: number };
      return page.matched === 1 ? true : undefined;
    });

    const all = await get("tz=Asia/Kathmandu", "text/csv");
    expect(all.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(all.headers.get("content-disposition")).toMatch(
      /^attachment; filename="connected-users-default-\d{4}-\d\d-\d\dT\d\d-\d\d\+0545\.csv"$/,
    );
    const lines = (await all.text()).split("\r\n");
    expect(lines[0]).toBe(
      "id,name,email,role,status,page_title,page_path,page_app,session_started_at,active_for_seconds,last_seen_at,connections",
    );
    const json = (await (await get("limit=10")).json()) as {
      users: Array<{ id: string; sessionStartedAt: string | null }>;
    };
    expect(lines.slice(1, -1).map((line) => line.split(",")[0])).toEqual(
      json.users.map((u) => u.id),
    );
    expect(lines.at(-1)).toBe("");
    // Formulas kept as text; commas and quotes quoted.
    expect(lines.find((line) => line.startsWith("ben,"))).toContain(`"'=cmd|' /C calc'!A0"`);
    expect(lines.find((line) => line.startsWith("cy,"))).toContain(`"Cy, ""the"" third"`);

    const onAdmin = (await (await get("q=%2Fadmin&format=csv&tz=Asia/Kathmandu")).text()).split(
      "\r\n",
    );
    expect(onAdmin).toHaveLength(3);
    const cells = onAdmin[1]!.split(",");
    expect(cells.slice(0, 8)).toEqual([
      "ana",
      "Ana Núñez",
      "ana@school.example",
      "Learner",
      "online",
      "Users",
      "/admin/users",
      "school",
    ]);
    const started = json.users.find((u) => u.id === "ana")!.sessionStartedAt!;
    expect(cells[8]).toMatch(/\+05:45$/);
    expect(Date.parse(cells[8]!)).toBe(Math.floor(Date.parse(started) / 1000) * 1000);

    expect((await get("format=csv&tz=Mars/Olympus")).status).toBe(400);
  });

  it("lists rows that tie as the page does: by name, then id, both ascending in either direction", async () => {
    // A clock that stands still: the tab never turns silent, whatever the machine's load.
    const now = Date.now();
    const server = await startTestRollcall({}, undefined, () => now);
    rollcall = server;
    const owner = await server.viewerToken("owner");
    const csvIds = async (query: string) => {
      const response = await fetch(`${server.url}/api/v1/presence?format=csv&${query}`, {
        headers: { authorization: `Bearer ${owner}` },
      });
      expect(response.status).toBe(200);
      const lines = (await response.text()).split("\r\n").slice(1, -1);
      return lines.map((line) => line.split(",")[0]);
    };
    // Four users whose names fold alike, one without a role; nobody but m1 ever seen.
    for (const [id, name, role] of [
      ["z1", "Sam Lee", ""],
      ["a1", "Sam Lee", "Learner"],
      ["m1", "Sam Lee", "Learner"],
      ["b2", "SAM LÉE", "Learner"],
      ["ann", "Ann", "Learner"],
    ] as const) {
      await fetch(`${server.url}/api/v1/users/${id}`, {
        method: "PUT",
        headers: { authorization: `Bearer ${TEST_SECRET}`, "content-type": "application/json" },
        body: JSON.stringify({ name, email: `${id}@school.example`, role }),
      });
    }
    const tab = new TestTab(server.url, "tab-csv-ties");
    tabs.push(tab);
    await tab.open(
      await server.userToken("m1", {
        name: "Sam Lee",
        email: "m1@school.example",
        role: "Learner",
      }),
    );
    await eventually(async () => ((await csvIds("status=live")).length === 1 ? true : undefined));

    expect(await csvIds("sort=name&order=asc")).toEqual(["ann", "a1", "b2", "m1", "z1"]);
    expect(await csvIds("sort=name&order=desc")).toEqual(["a1", "b2", "m1", "z1", "ann"]);
    expect(await csvIds("sort=status&order=desc")).toEqual(["ann", "a1", "b2", "z1", "m1"]);
    // A session first in either direction; the never seen tie, and keep to name then id.
    expect(await csvIds("sort=activeFor&order=asc")).toEqual(["m1", "ann", "a1", "b2", "z1"]);
    expect(await csvIds("sort=activeFor&order=desc")).toEqual(["m1", "ann", "a1", "b2", "z1"]);
    // No role after the others, whichever way.
    expect(await csvIds("sort=role&order=desc")).toEqual(["ann", "a1", "b2", "m1", "z1"]);
    expect(await csvIds("sort=page&order=desc&q=sam")).toEqual(["m1", "a1", "b2", "z1"]);
  });
});
