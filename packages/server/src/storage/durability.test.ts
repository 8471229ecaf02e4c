// No lost data: the built server killed (SIGKILL) or stopped (SIGTERM) mid-stream stores every event once.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { signUserToken } from "../auth/token-signer.js";
import {
  RetryingBackend,
  type RetryingClient,
  RetryingTracker,
} from "../testing/retrying-clients.js";
import {
  freePort,
  requireBuiltServer,
  type ServerProcess,
  startServerProcess,
} from "../testing/server-process.js";

const SECRET = "durability-test-secret-0123456789";
const TRACKERS = 4;
const BACKENDS = 2;

let dataDir: string;
let port: number;
let server: ServerProcess | null = null;
let trackers: RetryingTracker[] = [];
let backends: RetryingBackend[] = [];
let producer: NodeJS.Timeout | null = null;

beforeAll(() => {
  requireBuiltServer();
});
beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "rollcall-durability-"));
  port = await freePort();
});
afterEach(async () => {
  if (producer) clearInterval(producer);
  for (const client of [...trackers, ...backends]) client.stop();
  trackers = [];
  backends = [];
  if (server && server.child.exitCode === null && server.child.signalCode === null) {
    server.child.kill("SIGKILL");
    await server.exited;
  }
  server = null;
  rmSync(dataDir, { recursive: true, force: true });
});

const start = async () => {
  server = await startServerProcess({ port, dataDir, secret: SECRET });
  return server;
};

async function startClients(url: string): Promise<void> {
  for (let i = 0; i < TRACKERS; i++) {
    const token = await signUserToken({ sub: `tracker-${i}` }, { secret: SECRET, ttlSeconds: 600 });
    trackers.push(new RetryingTracker(url, token, `durable-tab-${i}`));
  }
  for (let i = 0; i < BACKENDS; i++)
    backends.push(new RetryingBackend(url, SECRET, `backend-${i}`));
  // 40 events a second per tracker (under the 50/s frame limit), 5 per tick per backend.
  producer = setInterval(() => {
    for (const tracker of trackers) tracker.produce();
    for (const backend of backends) for (let i = 0; i < 5; i++) backend.produce();
  }, 25);
}

/** Stops making events and waits until every client has had all of its events acknowledged. */
async function drainClients(): Promise<void> {
  if (producer) clearInterval(producer);
  producer = null;
  const clients: RetryingClient[] = [...trackers, ...backends];
  const deadline = Date.now() + 60_000;
  while (clients.some((c) => c.unacked.size > 0)) {
    if (Date.now() > deadline) {
      const left = clients.reduce((sum, c) => sum + c.unacked.size, 0);
      throw new Error(`${left} events still unacknowledged after 60 s\n${server?.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  for (const client of clients) client.stop();
}

/** How often each event id is stored, read from the SQLite file once the server is gone. */
function storedIdCounts(): Map<string, number> {
  const db = new Database(join(dataDir, "rollcall.sqlite"), { readonly: true });
  try {
    const rows = db
      .prepare("SELECT id, COUNT(*) AS n FROM events WHERE platform_id = 'default' GROUP BY id")
      .all() as Array<{ id: string; n: number }>;
    return new Map(rows.map((row) => [row.id, row.n]));
  } finally {
    db.close();
  }
}

function expectEachStoredOnce(): number {
  const sent = new Set<string>();
  for (const client of [...trackers, ...backends]) for (const id of client.sent) sent.add(id);
  const stored = storedIdCounts();
  const missing = [...sent].filter((id) => !stored.has(id));
  const repeated = [...stored].filter(([, n]) => n !== 1);
  const unknown = [...stored.keys()].filter((id) => !sent.has(id));
  expect({ missing: missing.slice(0, 10), repeated, unknown }).toEqual({
    missing: [],
    repeated: [],
    unknown: [],
  });
  return sent.size;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `holds()`, checking every 20 ms: a busy machine takes its time to get there. */
async function until(holds: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!holds()) {
    if (Date.now() > deadline) throw new Error(`not within 30 s: ${what}\n${server?.output()}`);
    await pause(20);
  }
}

const acked = (tracker: RetryingTracker) => tracker.sent.size - tracker.unacked.size;
const sentCount = () => [...trackers, ...backends].reduce((n, c) => n + c.sent.size, 0);

describe("durability of the built server", () => {
  it("stores every event exactly once when killed with SIGKILL mid-stream and restarted", async () => {
    const first = await start();
    await startClients(first.url);
    await until(
      () => trackers.reduce((n, t) => n + acked(t), 0) > 50,
      "over 50 tracker events acknowledged",
    );

    first.child.kill("SIGKILL");
    expect(await first.exited).toBe("SIGKILL");
    // Clients keep making events while the server is down: they queue and retry.
    await pause(500);

    const madeWhileDown = sentCount();
    await start();
    // Events keep coming to the new server: a hundred more, and over 500 in all.
    await until(() => sentCount() > Math.max(500, madeWhileDown + 100), "events made meanwhile");
    await drainClients();
    server?.child.kill("SIGTERM");
    expect(await server?.exited).toBe(0);
    const total = expectEachStoredOnce();
    expect(total).toBeGreaterThan(500);
  }, 180_000);

  it("drains on SIGTERM: sockets close with 1012, exit 0, nothing acknowledged is lost", async () => {
    const first = await start();
    await startClients(first.url);
    // Every tracker connected (an event of each acknowledged), so each has a socket to close.
    await until(() => trackers.every((t) => acked(t) > 0), "every tracker acknowledged");

    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);
    for (const tracker of trackers) expect(tracker.closeCodes).toContain(1012);
    // While draining, a request is answered 503 (retry) or refused, never a 500.
    const statuses = backends.flatMap((b) => b.answers).filter((a) => a !== "error");
    expect(statuses.filter((s) => s >= 500 && s !== 503)).toEqual([]);

    await start();
    await drainClients();
    server?.child.kill("SIGTERM");
    expect(await server?.exited).toBe(0);
    expectEachStoredOnce();
  }, 180_000);
});
