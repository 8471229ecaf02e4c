// Timestamps as an attacker sends them, through the tracker and the backend, and stored values
// no check saw: nothing out of bounds is stored, and every read and erasure keeps answering.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TrackBatchResponse } from "@rollcall/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { exportCommand } from "../cli/export-command.js";
import { emptyFactBatch } from "../storage/storage.js";
import {
  startTestRollcall,
  TEST_SECRET,
  type TestRollcall,
  TestTab,
} from "../testing/test-rollcall.js";

let rollcall: TestRollcall;
beforeEach(async () => {
  // The server's clock stands still: a tab that sends no heartbeat is never timed out, however
  // long a busy machine takes between the steps.
  const now = Date.now();
  rollcall = await startTestRollcall({}, undefined, () => now);
});
afterEach(async () => {
  await rollcall.stop();
});

async function viewerGet(path: string, accept = "application/json"): Promise<Response> {
  const token = await rollcall.viewerToken("owner");
  return fetch(`${rollcall.url}${path}`, {
    headers: { authorization: `Bearer ${token}`, accept },
  });
}

function backend(path: string, method: string, body?: unknown): Promise<Response> {
  return fetch(`${rollcall.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${TEST_SECRET}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** Every viewer read of the analytics, and the export, answer. */
async function expectReadsAnswer(): Promise<void> {
  expect((await viewerGet("/api/v1/apps")).status).toBe(200);
  for (const app of ["math", "_all"]) {
    const base = `/api/v1/apps/${app}/analytics/users`;
    expect((await viewerGet(`${base}/table?range=30d&members=all`)).status).toBe(200);
    expect((await viewerGet(`${base}/table?range=30d&format=csv`, "text/csv")).status).toBe(200);
    expect((await viewerGet(`${base}/summary?range=7d`)).status).toBe(200);
    expect((await viewerGet(`${base}/active-over-time?range=30d`)).status).toBe(200);
    expect((await viewerGet(`${base}/heatmap?range=30d`)).status).toBe(200);
  }
  expect((await viewerGet("/api/v1/presence")).status).toBe(200);
}

describe("hostile event timestamps", () => {
  it("refuses out-of-bounds events of a tracker batch by id and acknowledges the rest", async () => {
    const now = Date.now();
    const response = await fetch(`${rollcall.url}/api/v1/track`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        hello: {
          t: "hello",
          v: 1,
          token: await rollcall.userToken("u1"),
          tab: "tab-hostile-01",
          page: { path: "/m", title: "M", app: "math" },
          visible: true,
        },
        messages: [
          { t: "event", id: "ok-1", name: "message", ts: now },
          { t: "event", id: "far", name: "message", ts: 9e15 },
          { t: "event", id: "zero", name: "message", ts: 0 },
          { t: "event", id: "ok-2", name: "message", ts: now - 86_400_000 },
        ],
      }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as TrackBatchResponse;
    expect(body.acks.sort()).toEqual(["ok-1", "ok-2"]);
    expect(body.refused).toEqual([
      {
        id: "far",
        code: "unprocessable",
        message: expect.stringMatching(/^messages\[1\]\.ts: in the future/),
      },
      {
        id: "zero",
        code: "unprocessable",
        message: expect.stringMatching(/^messages\[2\]\.ts: before 2000/),
      },
    ]);
    expect(await rollcall.storage.countEvents("default")).toBe(2);
    await expectReadsAnswer();
  });

  it("refuses out-of-bounds events on the tracker socket by id, keeping the socket open", async () => {
    const tab = new TestTab(rollcall.url, "tab-hostile-ws");
    await tab.open(await rollcall.userToken("u2"), { path: "/m", title: "M", app: "math" });
    tab.send({ t: "event", id: "far", name: "message", ts: 9e15 });
    tab.send({ t: "event", id: "zero", name: "message", ts: 0 });
    tab.send({ t: "event", id: "ok", name: "message", ts: Date.now() });
    const answers = [await tab.next(10_000), await tab.next(10_000), await tab.next(10_000)];
    expect(answers).toEqual(
      expect.arrayContaining([
        {
          t: "error",
          code: "unprocessable",
          message: expect.stringMatching(/in the future/),
          id: "far",
        },
        {
          t: "error",
          code: "unprocessable",
          message: expect.stringMatching(/before 2000/),
          id: "zero",
        },
        { t: "ack", ids: ["ok"] },
      ]),
    );
    // Still open and serving: a heartbeat and another event go through.
    tab.send({ t: "event", id: "ok-2", name: "message", ts: Date.now() });
    expect(await tab.next(10_000)).toEqual({ t: "ack", ids: ["ok-2"] });
    expect(tab.closeCode).toBeNull();
    expect(await rollcall.storage.countEvents("default")).toBe(2);
    tab.close();
    await expectReadsAnswer();
  });

  it("refuses a backend event dated before 2000, naming the field", async () => {
    const response = await backend("/api/v1/events", "POST", {
      events: [{ id: "e1", user: "u1", name: "message", ts: "1999-12-31T23:59:59Z" }],
    });
    expect(response.status).toBe(422);
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(/^events\[0\]\.ts: before 2000/);
  });

  it("keeps every read, the export and erasure working over events stored at any time, across a restart", async () => {
    expect((await backend("/api/v1/users/u1", "PUT", { name: "Hostile" })).status).toBe(201);
    expect((await backend("/api/v1/users/u2", "PUT", { name: "Fine" })).status).toBe(201);
    // Stored as a file from before the bounds holds them: no check on the way.
    const batch = emptyFactBatch();
    for (const [i, ts] of [9e15, -9e15, Date.UTC(3000, 0, 1), Date.now()].entries()) {
      batch.events.push({
        platform: "default",
        id: `h${i}`,
        user: "u1",
        name: "message",
        app: "math",
        ts,
        props: null,
      });
    }
    batch.events.push({
      platform: "default",
      id: "f1",
      user: "u2",
      name: "message",
      app: "math",
      ts: Date.now(),
      props: null,
    });
    await rollcall.storage.writeFacts(batch);
    await expectReadsAnswer();

    const dataDir = rollcall.dataDir;
    await rollcall.stop(false);
    rollcall = await startTestRollcall({}, dataDir);
    await expectReadsAnswer();
    const apps = (await (await viewerGet("/api/v1/apps")).json()) as {
      apps: Array<{ id: string; users: number; lastActivityAt: string }>;
    };
    expect(apps.apps).toEqual([
      { id: "math", name: "math", users: 2, lastActivityAt: "+275760-09-13T00:00:00.000Z" },
    ]);

    // rollcall export, beside a stopped server, writes the stored times clamped.
    await rollcall.stop(false);
    const out = mkdtempSync(join(tmpdir(), "rollcall-export-"));
    try {
      expect(await exportCommand.run({ out }, { ROLLCALL_DATA_DIR: dataDir })).toBe(0);
      const events = readFileSync(join(out, "events.jsonl"), "utf8");
      expect(events).toContain('"ts":"+275760-09-13T00:00:00.000Z"');
      expect(events.trim().split("\n")).toHaveLength(5);
    } finally {
      rmSync(out, { recursive: true, force: true });
      rollcall = await startTestRollcall({}, dataDir);
    }

    expect((await backend("/api/v1/users/u1", "DELETE")).status).toBe(204);
    await expectReadsAnswer();
    const after = (await (await viewerGet("/api/v1/apps")).json()) as {
      apps: Array<{ users: number }>;
    };
    expect(after.apps.map((a) => a.users)).toEqual([1]);
    expect(await rollcall.storage.countEvents("default")).toBe(1);
  });
});
