// Tracker sockets while storage is behind: reads wait, half a heartbeat at a time, and no tab is lost.
import { afterEach, expect, it } from "vitest";
import {
  eventually,
  startTestRollcall,
  type TestRollcall,
  TestTab,
} from "../testing/test-rollcall.js";

let rollcall: TestRollcall | null = null;
afterEach(async () => {
  await rollcall?.stop();
  rollcall = null;
});

async function currentUser(server: TestRollcall) {
  const response = await fetch(`${server.url}/api/v1/presence`, {
    headers: { authorization: `Bearer ${await server.viewerToken()}` },
  });
  const body = (await response.json()) as {
    users: Array<{ status: string; connections: number; currentPage: { path: string } | null }>;
  };
  return body.users[0];
}

it("holds tracker reads while the fact writer is behind, a second at most, and loses no tab", async () => {
  // Heartbeats every 2 s: a tab not heard for 4 s would be dropped; holds last 1 s at most.
  // Presence runs on a clock moved by hand, once the server has read what the tab sent: a busy
  // machine stalling for seconds then drops no tab the product would keep.
  let now = Date.now();
  const server = await startTestRollcall(
    {
      ROLLCALL_HEARTBEAT_SECONDS: "2",
      ROLLCALL_SESSION_GRACE_SECONDS: "8",
      ROLLCALL_IDLE_SECONDS: "60",
    },
    undefined,
    () => now,
  );
  rollcall = server;
  const tab = new TestTab(server.url, "tab-hold-0001");
  await tab.open(await server.userToken("u1"), { path: "/a", title: "A", app: null });

  // Storage that does not finish a write until told: what follows piles up behind it.
  const { storage, writer } = server;
  const write = storage.writeFacts.bind(storage);
  let open: () => void = () => {};
  let entered: () => void = () => {};
  const writeStarted = new Promise<void>((resolve) => (entered = resolve));
  const gate = new Promise<void>((resolve) => (open = resolve));
  storage.writeFacts = async (batch) => {
    entered();
    await gate;
    return write(batch);
  };
  const seen = (n: number) =>
    Array.from({ length: n }, () => ({ platform: "default", user: "u1", app: null, at: 1 }));
  try {
    writer.addActiveSeen(seen(1));
    const writing = writer.flush();
    await writeStarted;
    writer.addActiveSeen(seen(10_000)); // maxBacklog: the writer is behind
    const heldAt = Date.now();

    tab.send({ t: "page", page: { path: "/b", title: "B", app: null } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const during = await currentUser(server);
    // The hold lasts 1 s (a timer, never early): an answer back within it was given while held.
    if (Date.now() - heldAt < 1_000) expect(during).toMatchObject({ currentPage: { path: "/a" } });

    // Storage stays stuck past the 4 s that drop a silent tab; the hold gives way after a second
    // (read-hold.test.ts times it), so the page change and the heartbeats are read meanwhile.
    await eventually(async () =>
      (await currentUser(server))?.currentPage?.path === "/b" ? true : undefined,
    );
    for (let i = 0; i < 8; i++) {
      tab.sendRaw('{"t":"hb"}');
      await tab.heard();
      now += 600;
    }
    // Longer than the 2-s sweep and the presence tick: both have run 4.8 s after the hello.
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expect(await currentUser(server)).toMatchObject({ status: "online", connections: 1 });
    expect(tab.closeCode).toBeNull();
    open();
    await writing;
  } finally {
    open();
  }
  expect(await currentUser(server)).toMatchObject({
    status: "online",
    currentPage: { path: "/b" },
  });
  tab.close();
});
