// The EventSource shell around the presence stream: parses events, reconnects on errors and seq gaps.
import type { PresenceChangeEvent, PresenceSnapshotEvent } from "@rollcall/protocol";
import type { PresenceStreamEvent } from "./presence-state";

export const PRESENCE_STREAM_URL = "/api/v1/presence/stream";

/** `open`: events flowing; `connecting`: first connect or a deliberate reconnect; `interrupted`: the connection failed. */
export type StreamStatus = "connecting" | "open" | "interrupted";

export interface PresenceStreamOptions {
  onEvent: (event: PresenceStreamEvent) => void;
  onStatus: (status: StreamStatus) => void;
  url?: string;
}

export interface PresenceStream {
  /** Drops the current connection and opens a new one, which starts with a fresh snapshot. */
  reconnect: () => void;
  close: () => void;
}

const RETRY_DELAYS_MS = [1_000, 2_000, 5_000, 10_000, 30_000];

export function openPresenceStream(options: PresenceStreamOptions): PresenceStream {
  const url = options.url ?? PRESENCE_STREAM_URL;
  let source: EventSource | null = null;
  let lastSeq: number | null = null;
  let failures = 0;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let isClosed = false;

  const connect = () => {
    clearRetry();
    source?.close();
    lastSeq = null;
    options.onStatus("connecting");
    const next = new EventSource(url, { withCredentials: true });
    source = next;
    next.addEventListener("open", () => {
      if (source === next) options.onStatus("open");
    });
    next.addEventListener("snapshot", (message) => {
      const data = parseEvent(message, isSnapshot);
      if (source !== next || !data) return;
      failures = 0;
      lastSeq = data.seq;
      options.onStatus("open");
      options.onEvent({ type: "snapshot", data });
    });
    next.addEventListener("change", (message) => {
      const data = parseEvent(message, isChange);
      if (source !== next || !data) return;
      if (lastSeq !== null && data.seq <= lastSeq) return;
      const hasGap = lastSeq !== null && data.seq !== lastSeq + 1;
      options.onEvent({ type: "change", data });
      lastSeq = data.seq;
      // A lost diff cannot be recovered from later ones: ask for a new snapshot.
      if (hasGap) connect();
    });
    next.addEventListener("error", () => {
      if (source !== next) return;
      options.onStatus("interrupted");
      // CONNECTING: the browser retries by itself. CLOSED (HTTP error, wrong type): we must.
      if (next.readyState === EventSource.CLOSED) scheduleRetry();
    });
  };

  const scheduleRetry = () => {
    clearRetry();
    const delay = RETRY_DELAYS_MS[Math.min(failures, RETRY_DELAYS_MS.length - 1)] ?? 30_000;
    failures += 1;
    retryTimer = setTimeout(() => {
      if (!isClosed) connect();
    }, delay);
  };

  const clearRetry = () => {
    if (retryTimer !== null) clearTimeout(retryTimer);
    retryTimer = null;
  };

  connect();

  return {
    reconnect: () => {
      if (isClosed) return;
      failures = 0;
      connect();
    },
    close: () => {
      isClosed = true;
      clearRetry();
      source?.close();
      source = null;
    },
  };
}

function parseEvent<T>(message: Event, isValid: (value: unknown) => value is T): T | null {
  if (!(message instanceof MessageEvent) || typeof message.data !== "string") return null;
  try {
    const value: unknown = JSON.parse(message.data);
    return isValid(value) ? value : null;
  } catch {
    return null;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

// Shape checks only: the server is ours, but a malformed event must not break the page.
function isSnapshot(value: unknown): value is PresenceSnapshotEvent {
  return (
    isRecord(value) &&
    typeof value.seq === "number" &&
    Array.isArray(value.users) &&
    isRecord(value.summary)
  );
}

function isChange(value: unknown): value is PresenceChangeEvent {
  return (
    isRecord(value) &&
    typeof value.seq === "number" &&
    Array.isArray(value.upserts) &&
    Array.isArray(value.removes) &&
    isRecord(value.summary)
  );
}
