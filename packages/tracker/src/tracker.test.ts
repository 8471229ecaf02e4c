// The tracker's side of token expiry and refused events, in a fake page with fake sockets and a
// clock driven by hand.
import type { ClientMessage, ServerMessage, WelcomeMessage } from "@rollcall/protocol";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Rollcall, TokenHook } from "./api.js";
import { createTracker } from "./tracker.js";

const NOW = Date.UTC(2026, 0, 15, 9, 0, 0);
const HOUR = 3_600_000;

/** A WebSocket the test opens, feeds and closes by hand. */
class FakeSocket {
  static all: FakeSocket[] = [];
  readyState = 0;
  readonly sent: ClientMessage[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: ((e: { code: number }) => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  receive(message: ServerMessage) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  drop(code: number) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
  ofType<T extends ClientMessage["t"]>(t: T) {
    return this.sent.filter((m): m is Extract<ClientMessage, { t: T }> => m.t === t);
  }
}

const latest = () => FakeSocket.all.at(-1)!;

function welcome(tokenExpiresAt: number): WelcomeMessage {
  return {
    t: "welcome",
    v: 1,
    conn: "c1",
    user: "u1",
    heartbeatMs: 15_000,
    inputThrottleMs: 5_000,
    idleMs: 300_000,
    tokenExpiresAt,
  };
}

/** A page, just enough of one for the tracker. */
function fakePage({ hasWebSocket = true } = {}) {
  const data: Record<string, string> = {};
  vi.stubGlobal("window", new EventTarget());
  vi.stubGlobal("addEventListener", () => {});
  vi.stubGlobal("dispatchEvent", () => true);
  vi.stubGlobal(
    "document",
    Object.assign(new EventTarget(), { hidden: false, title: "Home", documentElement: {} }),
  );
  vi.stubGlobal("location", {
    origin: "http://host.test",
    pathname: "/",
    search: "",
    hash: "",
  });
  vi.stubGlobal("history", { pushState() {}, replaceState() {} });
  vi.stubGlobal("navigator", { userAgent: "test", sendBeacon: () => true });
  vi.stubGlobal("screen", { width: 1280, height: 800 });
  vi.stubGlobal("sessionStorage", {
    getItem: (key: string) => data[key] ?? null,
    setItem: (key: string, value: string) => {
      data[key] = value;
    },
  });
  vi.stubGlobal("WebSocket", hasWebSocket ? FakeSocket : undefined);
}

let tracker: Rollcall | undefined;
let unhandled: unknown[];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeEach(() => {
  vi.useFakeTimers({ now: NOW });
  FakeSocket.all = [];
  unhandled = [];
  process.on("unhandledRejection", onUnhandled);
});
afterEach(() => {
  tracker?.stop();
  tracker = undefined;
  process.off("unhandledRejection", onUnhandled);
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

/** Starts a tracker and welcomes it on its first socket, its token expiring in an hour. */
async function welcomed(getToken?: TokenHook): Promise<FakeSocket> {
  fakePage();
  tracker = createTracker({ token: "old", endpoint: "http://rollcall.test", getToken });
  const socket = latest();
  socket.open();
  socket.receive(welcome(NOW + HOUR));
  await vi.advanceTimersByTimeAsync(0);
  return socket;
}

describe("tracker token refresh over the socket", () => {
  it("asks the page's hook a minute before the token expires and identifies with the answer", async () => {
    const getToken = vi.fn(async () => "fresh");
    const socket = await welcomed(getToken);
    await vi.advanceTimersByTimeAsync(HOUR - 60_001);
    expect(getToken).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(getToken).toHaveBeenCalledTimes(1);
    expect(socket.ofType("identify")).toEqual([{ t: "identify", token: "fresh" }]);
    expect(FakeSocket.all).toHaveLength(1);
  });

  it("asks at once on reauth", async () => {
    const getToken = vi.fn(() => "fresh");
    const socket = await welcomed(getToken);
    socket.receive({ t: "reauth", graceMs: 60_000 });
    await vi.advanceTimersByTimeAsync(0);
    expect(socket.ofType("identify")).toEqual([{ t: "identify", token: "fresh" }]);
  });

  it("after close 4401 reconnects with a fresh token from the hook", async () => {
    const getToken = vi.fn(async () => "fresh");
    const socket = await welcomed(getToken);
    socket.drop(4401);
    await vi.advanceTimersByTimeAsync(0);
    expect(FakeSocket.all).toHaveLength(2);
    latest().open();
    expect(latest().ofType("hello")[0]?.token).toBe("fresh");
  });

  it("after close 4401 stays halted when the hook has no token, throws or rejects", async () => {
    const hooks: TokenHook[] = [
      () => "",
      () => {
        throw new Error("page bug");
      },
      () => Promise.reject(new Error("backend down")),
      () => undefined as unknown as string,
    ];
    for (const hook of hooks) {
      FakeSocket.all = [];
      const socket = await welcomed(hook);
      socket.drop(4401);
      await vi.advanceTimersByTimeAsync(5 * 60_000);
      expect(FakeSocket.all).toHaveLength(1);
      tracker?.stop();
      vi.unstubAllGlobals();
    }
    expect(unhandled).toEqual([]);
  });

  it("after close 4401 without a hook stays halted until identify", async () => {
    const socket = await welcomed();
    socket.drop(4401);
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(FakeSocket.all).toHaveLength(1);
    tracker?.identify("by-hand");
    latest().open();
    expect(latest().ofType("hello")[0]?.token).toBe("by-hand");
  });

  it("starts without a token by asking the hook set with onTokenRefresh", async () => {
    fakePage();
    tracker = createTracker({ endpoint: "http://rollcall.test" });
    expect(FakeSocket.all).toHaveLength(0);
    tracker.onTokenRefresh(async () => "late");
    await vi.advanceTimersByTimeAsync(0);
    latest().open();
    expect(latest().ofType("hello")[0]?.token).toBe("late");
  });
});

describe("tracker events the server refuses for good", () => {
  it("drops the event an error frame names and never resends it", async () => {
    const socket = await welcomed();
    tracker?.track("message", { n: 1 });
    tracker?.track("message", { n: 2 });
    const [refused, kept] = socket.ofType("event");
    socket.receive({
      t: "error",
      code: "invalid_event",
      message: "ts out of bounds",
      id: refused!.id,
    });
    socket.drop(1012);
    await vi.advanceTimersByTimeAsync(1_000);
    const next = latest();
    next.open();
    next.receive(welcome(NOW + HOUR));
    expect(next.ofType("event").map((e) => e.id)).toEqual([kept!.id]);
  });
});

describe("tracker over HTTP", () => {
  type Batch = { hello: { token: string }; messages: { id?: string }[] };
  let posted: Batch[];
  let answer: (batch: Batch) => { status: number; body?: unknown };

  beforeEach(() => {
    posted = [];
    vi.stubGlobal("fetch", async (_url: string, init: { body: string }) => {
      const batch = JSON.parse(init.body) as Batch;
      posted.push(batch);
      const { status, body } = answer(batch);
      return { ok: status < 300, status, json: async () => body };
    });
  });

  function startOnHttp(getToken?: TokenHook) {
    fakePage({ hasWebSocket: false });
    vi.stubGlobal("fetch", globalThis.fetch);
    tracker = createTracker({ token: "old", endpoint: "http://rollcall.test", getToken });
  }

  it("drops the events a batch answer lists as refused, and copes without the list", async () => {
    answer = (batch) => ({
      status: 200,
      body: {
        welcome: welcome(NOW + HOUR),
        acks: [],
        refused: batch.messages.slice(0, 1).map((m) => ({ id: m.id, code: "x", message: "x" })),
      },
    });
    startOnHttp();
    tracker?.track("message", { n: 1 });
    tracker?.track("message", { n: 2 });
    await vi.advanceTimersByTimeAsync(250);
    expect(posted[0]?.messages).toHaveLength(2);
    answer = () => ({ status: 200, body: { welcome: welcome(NOW + HOUR), acks: [] } });
    await vi.advanceTimersByTimeAsync(15_000);
    expect(posted.at(-1)?.messages.map((m) => m.id)).toEqual([posted[0]?.messages[1]?.id]);
  });

  it("sends a fresh token before expiry, and after a 401 asks for one and posts again", async () => {
    answer = () => ({ status: 200, body: { welcome: welcome(NOW + HOUR), acks: [] } });
    let next = 0;
    startOnHttp(() => `fresh-${++next}`);
    await vi.advanceTimersByTimeAsync(HOUR - 60_000 + 1_000);
    expect(posted.at(-1)?.hello.token).toBe("fresh-1");

    // The server refuses one batch (as it does once a token expired), then takes them again.
    const accepted = answer;
    let refusedAt = -1;
    answer = () => {
      answer = accepted;
      refusedAt = posted.length;
      return { status: 401 };
    };
    await vi.advanceTimersByTimeAsync(45_000);
    expect(refusedAt).toBeGreaterThan(0);
    expect(posted.slice(refusedAt).map((batch) => batch.hello.token)).toEqual([
      "fresh-2",
      "fresh-2",
      "fresh-2",
    ]);
  });
});

describe("script tag", () => {
  it('takes a token hook queued with rollcall("onTokenRefresh", fn) before it loaded', async () => {
    fakePage();
    const hook = vi.fn(async () => "from-hook");
    const stub = { q: [["onTokenRefresh", hook]] };
    vi.stubGlobal("rollcall", stub);
    (window as unknown as { rollcall: unknown }).rollcall = stub;
    Object.assign(document, {
      currentScript: { dataset: {}, src: "http://rollcall.test/tracker.js" },
      querySelector: () => null,
    });
    vi.resetModules();
    await import("./script.js");
    await vi.advanceTimersByTimeAsync(0);
    expect(hook).toHaveBeenCalledTimes(1);
    latest().open();
    expect(latest().url).toBe("ws://rollcall.test/api/v1/track/ws");
    expect(latest().ofType("hello")[0]?.token).toBe("from-hook");
    const global = (window as unknown as { rollcall: Rollcall }).rollcall;
    expect(typeof global.onTokenRefresh).toBe("function");
    tracker = global;
  });
});
