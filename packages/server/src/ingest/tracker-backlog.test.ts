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
  const server = await startTestRollcall({
    ROLLCALL_HEARTBEAT_SECONDS: "2",
    ROLLCALL_SESSION_GRACE_SECONDS: "8",
    ROLLCALL_IDLE_SECONDS: "60",
  });
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

    tab.send({ t: "page", page: { path: "/b", title: "B", app: null } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await currentUser(server)).toMatchObject({ currentPage: { path: "/a" } });

    // Storage stays stuck for 5 s, past the 4 s that drop a silent tab; the hold gives way after
    // a second, so the page change and the heartbeats are read meanwhile.
    await eventually(
      async () => ((await currentUser(server))?.currentPage?.path === "/b" ? true : undefined),
      2_000,
    );
    for (let i = 0; i < 8; i++) {
      tab.sendRaw('{"t":"hb"}');
      await new Promise((resolve) => setTimeout(resolve, 600));
    }
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
