// The viewer's Auto-refresh choice, remembered in this browser; "Every 5 s" until they pick another.
import { useCallback, useState } from "react";
import { type RefreshMode, refreshModes } from "../live/use-live-presence";

const STORAGE_KEY = "rollcall.refreshMode";

function readMode(): RefreshMode {
  try {
    const stored = window.localStorage.getItem(STORAGE_KEY);
    return refreshModes.find((option) => option.mode === stored)?.mode ?? "5s";
  } catch {
    return "5s";
  }
}

export function useRefreshMode(): [RefreshMode, (mode: RefreshMode) => void] {
  const [mode, setMode] = useState<RefreshMode>(readMode);
  const change = useCallback((next: RefreshMode) => {
    setMode(next);
    try {
      window.localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Storage may be off (private mode, embedded frame): the choice lasts for this page only.
    }
  }, []);
  return [mode, change];
}
