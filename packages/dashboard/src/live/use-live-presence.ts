// Keeps the presence stream open and decides when its buffered events reach the screen (refresh modes).
import { useCallback, useEffect, useRef, useState } from "react";
import {
  applyEvents,
  emptyPresenceState,
  type PresenceState,
  type PresenceStreamEvent,
} from "./presence-state";
import { openPresenceStream, type PresenceStream, type StreamStatus } from "./presence-stream";

/** `5s`: apply buffered changes every 5 s; `live`: as they arrive; `off`: only on Refresh now. */
export type RefreshMode = "5s" | "live" | "off";

export const REFRESH_INTERVAL_MS = 5_000;
/** In live mode, events this close together reach the screen in one render. */
const LIVE_BATCH_MS = 50;

export const refreshModes: readonly { mode: RefreshMode; label: string }[] = [
  { mode: "5s", label: "Every 5 s" },
  { mode: "live", label: "Live" },
  { mode: "off", label: "Off" },
];

export interface LivePresence {
  /** What the screen shows: the stream's state as of the last flush. */
  state: PresenceState;
  status: StreamStatus;
  /** Client time (ms) the screen was last brought up to date with the stream; null before data. */
  lastUpdatedAt: number | null;
  /** Changes have arrived that the screen does not show yet. */
  hasPendingChanges: boolean;
  /** Shows everything received so far and, if the stream is down, reconnects it. */
  refreshNow: () => void;
}

export interface LivePresenceOptions {
  /** Called when the stream fails, e.g. to check whether the session expired. */
  onInterrupted?: () => void;
}

export function useLivePresence(
  mode: RefreshMode,
  options: LivePresenceOptions = {},
): LivePresence {
  const [state, setState] = useState<PresenceState>(emptyPresenceState);
  const [status, setStatus] = useState<StreamStatus>("connecting");
  const [lastUpdatedAt, setLastUpdatedAt] = useState<number | null>(null);
  const [hasPendingChanges, setHasPendingChanges] = useState(false);

  const bufferRef = useRef<PresenceStreamEvent[]>([]);
  const streamRef = useRef<PresenceStream | null>(null);
  const statusRef = useRef<StreamStatus>("connecting");
  const modeRef = useRef(mode);
  const hasDataRef = useRef(false);
  const liveTimerRef = useRef<ReturnType<typeof setTimeout> | null>(null);
  const onInterruptedRef = useRef(options.onInterrupted);
  modeRef.current = mode;
  onInterruptedRef.current = options.onInterrupted;

  const flush = useCallback(() => {
    if (liveTimerRef.current !== null) clearTimeout(liveTimerRef.current);
    liveTimerRef.current = null;
    const events = bufferRef.current;
    bufferRef.current = [];
    if (events.length > 0) {
      setState((previous) => applyEvents(previous, events));
      setHasPendingChanges(false);
    }
    // Only a healthy stream vouches that the screen is current as of now.
    if (statusRef.current === "open" && hasDataRef.current) setLastUpdatedAt(Date.now());
  }, []);

  useEffect(() => {
    const stream = openPresenceStream({
      onEvent: (event) => {
        if (event.type === "snapshot") {
          // A snapshot replaces everything, so older buffered events no longer matter.
          bufferRef.current = [event];
          if (!hasDataRef.current) {
            hasDataRef.current = true;
            flush();
            return;
          }
        } else {
          bufferRef.current.push(event);
        }
        if (modeRef.current !== "live") setHasPendingChanges(true);
        else if (liveTimerRef.current === null) {
          liveTimerRef.current = setTimeout(flush, LIVE_BATCH_MS);
        }
      },
      onStatus: (next) => {
        statusRef.current = next;
        setStatus(next);
        if (next === "interrupted") onInterruptedRef.current?.();
      },
    });
    streamRef.current = stream;
    return () => {
      stream.close();
      streamRef.current = null;
      if (liveTimerRef.current !== null) clearTimeout(liveTimerRef.current);
    };
  }, [flush]);

  useEffect(() => {
    if (mode === "off") return;
    // Switching to a mode that shows changes shows the waiting ones at once.
    flush();
    // In live mode this only keeps "Last updated" honest while nothing changes.
    const timer = setInterval(flush, REFRESH_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [mode, flush]);

  const refreshNow = useCallback(() => {
    flush();
    if (statusRef.current !== "open") streamRef.current?.reconnect();
  }, [flush]);

  return { state, status, lastUpdatedAt, hasPendingChanges, refreshNow };
}
