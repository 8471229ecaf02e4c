// One tab's connection to Rollcall: WebSocket with reconnects, HTTP when blocked, and the event queue.
import type {
  CLOSE_CODES,
  ClientMessage,
  HelloMessage,
  Page,
  ServerMessage,
  TrackBatchResponse,
  WelcomeMessage,
  WIRE_LIMITS,
} from "@rollcall/protocol";
import { watchActivity } from "./activity.js";
import type { InitOptions, Rollcall, TokenHook } from "./api.js";
import { backoffDelay } from "./backoff.js";
import { eventQueue, type KeyValueStore } from "./event-queue.js";
import { inputThrottle } from "./input-throttle.js";
import { appId, eventMessage, helloMessage, pageOf } from "./message.js";
import { randomId } from "./random-id.js";
import { refreshDelay } from "./token-refresh.js";
import { beaconBatch, postBatch } from "./transport-http.js";
import { openSocket, type Socket } from "./transport-ws.js";

const BAD_TOKEN: (typeof CLOSE_CODES)["badToken"] = 4001;
const FORBIDDEN: (typeof CLOSE_CODES)["forbidden"] = 4003;
const TOKEN_EXPIRED: (typeof CLOSE_CODES)["tokenExpired"] = 4401;
const BATCH_MESSAGES: (typeof WIRE_LIMITS)["batchMessages"] = 100;
const TAB_KEY = "rollcall.tab";
/** WebSocket closes before any welcome, in a row, after which the tracker falls back to HTTP. */
const WS_FAILURES_FOR_HTTP = 3;
/** On HTTP, how often to see whether WebSockets work again. */
const WS_RETRY_MS = 60_000;
/** On HTTP, how long to gather changes before posting them. */
const POST_DELAY_MS = 200;
/** After a navigation, how long to let a single-page app set the new title. */
const PAGE_SETTLE_MS = 100;
/** The token hook is not asked again within this while an answer may still be coming. */
const TOKEN_ASK_MS = 10_000;

type Timer = ReturnType<typeof setTimeout> | undefined;

function sessionStore(): KeyValueStore | undefined {
  try {
    return sessionStorage; // reading it throws where storage is blocked
  } catch {
    return undefined;
  }
}

/** This tab's id: kept in sessionStorage, so a reload continues the same connection. */
function tabId(store: KeyValueStore | undefined): string {
  try {
    let id = store?.getItem(TAB_KEY);
    if (!id || !/^[\w-]{16,64}$/.test(id)) {
      id = randomId();
      store?.setItem(TAB_KEY, id);
    }
    return id;
  } catch {
    return randomId();
  }
}

/** Starts tracking this tab; the caller makes sure only one tracker runs per page. */
export function createTracker(options: InitOptions): Rollcall {
  const base = (options.endpoint || location.origin).replace(/\/+$/, "");
  const log = (...args: unknown[]) => {
    if (options.debug) console.debug("[rollcall]", ...args);
  };
  /** Wraps a callback so that nothing it throws reaches the host page. */
  const guard =
    <A extends unknown[]>(fn: (...args: A) => void) =>
    (...args: A): void => {
      try {
        fn(...args);
      } catch (error) {
        log(error);
      }
    };
  const now = Date.now;
  const store = sessionStore();
  const tab = tabId(store);
  const queue = eventQueue(store);
  // A tab opened in the foreground was opened by the user: count the load as input.
  const input = inputThrottle(now, document.hidden ? undefined : now());

  let token = options.token || "";
  let getToken: TokenHook | undefined = options.getToken;
  let askedAt = -TOKEN_ASK_MS;
  let tokenSince = now();
  let app = appId(options.app);
  let heartbeatMs = 15_000;
  let socket: Socket | undefined;
  let isWelcomed = false;
  let isHttp = false;
  let isHttpWorking = false;
  let isHalted = !token; // no token, or the server refused it: wait for identify()
  let isStopped = false;
  let failures = 0; // WebSocket closes before welcome, in a row
  let attempt = 0; // backoff step
  let lastSentAt = 0;
  let lastProbeAt = 0;
  let isPosting = false;
  let sentPage = "";
  let tickTimer: Timer;
  let retryTimer: Timer;
  let postTimer: Timer;
  let pageTimer: Timer;
  let refreshTimer: Timer;

  const hello = (): HelloMessage => {
    const page = pageOf(location, document.title, app);
    sentPage = pageKey(page);
    return helloMessage({
      token,
      tab,
      page,
      visible: !document.hidden,
      inputAgoMs: input.agoMs(),
      ua: navigator.userAgent,
      width: screen.width,
      height: screen.height,
    });
  };

  /** Sends over the socket; on HTTP the next batch's hello carries the state, events the queue. */
  const send = (message: ClientMessage) => {
    if (isWelcomed) {
      socket?.send(message);
      lastSentAt = now();
    } else if (isHttp) {
      flush();
    }
  };

  /** On HTTP: posts soon, gathering what changes meanwhile into one batch. */
  const flush = () => {
    postTimer ||= setTimeout(post, POST_DELAY_MS);
  };

  const configure = (w: WelcomeMessage) => {
    heartbeatMs = Math.max(1000, w.heartbeatMs) || heartbeatMs;
    input.configure(w.inputThrottleMs || 5000, w.idleMs || 300_000);
    clearTimeout(refreshTimer);
    const delay = refreshDelay(w.tokenExpiresAt, now(), tokenSince);
    if (delay !== undefined) refreshTimer = setTimeout(askToken, delay);
  };

  /** Asks the page's hook for a fresh token and switches to it; errors stay here. */
  const askToken = guard(() => {
    if (!getToken || isStopped || now() - askedAt < TOKEN_ASK_MS) return;
    askedAt = now();
    Promise.resolve(getToken()).then(
      guard((fresh: unknown) => {
        if (typeof fresh === "string" && fresh && fresh !== token) identify(fresh);
        else log("no fresh token");
      }),
      log,
    );
  });

  const connect = () => {
    clearTimeout(retryTimer);
    if (socket || isHalted || isStopped) return;
    socket = openSocket(`${base.replace(/^http/, "ws")}/api/v1/track/ws`, {
      open: guard(() => socket?.send(hello())),
      message: guard(receive),
      close: guard(closed),
    });
    if (!socket) useHttp();
  };

  const receive = (data: string) => {
    const message = JSON.parse(data) as ServerMessage;
    if (message.t === "welcome") {
      configure(message);
      isWelcomed = true;
      failures = attempt = 0;
      isHttp = false;
      lastSentAt = now();
      for (const event of queue.list()) socket?.send(event);
      // A page or title changed after the hello was built.
      checkPage();
      restartTick();
    } else if (message.t === "ack") {
      queue.ack(message.ids);
    } else if (message.t === "reauth") {
      askToken();
    } else {
      log(message);
      // The server will never store this event: resending it would be refused forever.
      if (message.id) queue.ack([message.id]);
    }
  };

  const closed = (code: number) => {
    log("closed", code);
    socket = undefined;
    if (!isWelcomed) failures++;
    isWelcomed = false;
    if (code === BAD_TOKEN || code === FORBIDDEN || code === TOKEN_EXPIRED) {
      isHalted = true;
      // An expired token: a fresh one from the page reconnects (through identify).
      if (code === TOKEN_EXPIRED) {
        askedAt = -TOKEN_ASK_MS;
        askToken();
      }
    } else if (failures >= WS_FAILURES_FOR_HTTP) useHttp();
    else if (!isHttp) retryTimer = setTimeout(connect, backoffDelay(attempt++));
  };

  const useHttp = () => {
    if (isHttp) return;
    log("falling back to HTTP");
    isHttp = true;
    lastProbeAt = now();
    flush();
  };

  const post = guard(() => {
    clearTimeout(postTimer);
    postTimer = undefined;
    if (!isHttp || isHalted || isStopped) return;
    if (isPosting) return flush();
    isPosting = true;
    postBatch(`${base}/api/v1/track`, {
      hello: hello(),
      messages: queue.list().slice(0, BATCH_MESSAGES),
    }).then(
      guard((response: TrackBatchResponse) => {
        isPosting = false;
        isHttpWorking = true;
        configure(response.welcome);
        // Refused for good (e.g. a timestamp out of bounds): dropped like acknowledged ones
        // (an older server sends no list).
        const done = response.acks.concat((response.refused || []).map((r) => r.id));
        queue.ack(done);
        // More queued than one batch holds: keep going while the server keeps acknowledging.
        if (done.length && queue.list().length) flush();
      }),
      guard((status: number) => {
        log("post failed", status);
        isPosting = false;
        isHttpWorking = false;
        if (status === 401 || status === 403) {
          isHalted = true;
          // The token may just have expired: a fresh one resumes posting.
          if (status === 401) askToken();
        }
      }),
    );
  });

  const checkPage = () => {
    clearTimeout(pageTimer);
    pageTimer = undefined;
    // While connecting a page message would be dropped: the welcome checks again.
    if (!isWelcomed && !isHttp) return;
    const page = pageOf(location, document.title, app);
    const key = pageKey(page);
    if (key !== sentPage) {
      sentPage = key;
      send({ t: "page", page });
    }
  };

  const tick = guard(() => {
    restartTick();
    checkPage();
    if (isHttp) {
      // While HTTP fails too, the server may just be down: try WebSockets at every beat.
      if (!isHttpWorking || now() - lastProbeAt >= WS_RETRY_MS) {
        lastProbeAt = now();
        connect();
      }
      post();
    } else if (isWelcomed) {
      if (input.takePending()) send({ t: "input" });
      else if (now() - lastSentAt >= heartbeatMs / 2) send({ t: "hb" });
    }
  });

  const restartTick = () => {
    clearTimeout(tickTimer);
    tickTimer = setTimeout(tick, heartbeatMs);
  };

  /** Tells the server the tab is leaving, over the socket or, failing that, a beacon. */
  const leave = () => {
    if (isWelcomed) socket?.send({ t: "bye" });
    else if (!isHalted && (isHttp || queue.list().length)) {
      beaconBatch(`${base}/api/v1/track`, {
        hello: hello(),
        messages: [...queue.list().slice(0, BATCH_MESSAGES - 1), { t: "bye" }],
      });
    }
    socket?.close();
    socket = undefined;
    isWelcomed = false;
    clearTimeout(retryTimer);
  };

  const stopWatching = watchActivity({
    input: guard(() => {
      if (input.record()) send({ t: "input" });
    }),
    visibility: guard(() => send({ t: "state", visible: !document.hidden })),
    page: guard(() => {
      pageTimer ||= setTimeout(guard(checkPage), PAGE_SETTLE_MS);
    }),
    hide: guard(leave),
    show: guard(() => (isHttp ? post() : connect())),
  });

  /** Switches to a new token: over the open socket, in the next HTTP batch, or by reconnecting. */
  const identify = (newToken: string) => {
    if (!newToken) return;
    token = newToken;
    tokenSince = now();
    isHalted = false;
    if (isWelcomed) send({ t: "identify", token });
    else if (isHttp) flush();
    else {
      // A hello with the old token may be on its way: start over with the new one.
      socket?.close();
      socket = undefined;
      connect();
    }
  };

  connect();
  restartTick();
  if (!token) askToken();

  return {
    track: guard((name: string, props?: Record<string, unknown>) => {
      const event = eventMessage(randomId(), name, props, app, now());
      if (!event) return log("event refused", name);
      queue.add(event);
      send(event);
    }),
    setApp: guard((id: string | null) => {
      app = appId(id);
      checkPage();
    }),
    identify: guard(identify),
    onTokenRefresh: guard((hook: TokenHook) => {
      getToken = hook;
      if (!token || isHalted) askToken();
    }),
    stop: guard(() => {
      if (isStopped) return;
      leave();
      isStopped = true;
      stopWatching();
      for (const timer of [tickTimer, postTimer, pageTimer, refreshTimer]) clearTimeout(timer);
    }),
  };
}

function pageKey(page: Page): string {
  return `${page.path}\n${page.title}\n${page.app}`;
}
