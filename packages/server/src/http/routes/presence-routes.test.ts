// GET /api/v1/presence/stream against a real server: how many live streams one viewer may hold.
import { afterEach, describe, expect, it } from "vitest";
import { STREAMS_PER_VIEWER } from "../../live/presence-feed.js";
import { startTestRollcall, type TestRollcall, WAIT_MS } from "../../testing/test-rollcall.js";

let rollcall: TestRollcall | null = null;
const streams: AbortController[] = [];
/**
 * Every open stream's response, kept until the test ends: fetch cancels the body of a response
 * that is garbage-collected unread, which would close a stream the test means to hold open.
 */
const held: Response[] = [];
const WAIT = { timeout: WAIT_MS };
afterEach(async () => {
  held.length = 0;
  for (const stream of streams.splice(0)) stream.abort();
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
