// Loads the signed-in viewer once; a 401 sends the browser to the login page.
import type { Viewer } from "@rollcall/protocol";
import { useCallback, useEffect, useState } from "react";
import { ApiError } from "../api/api-client";
import { navigate } from "../app/router";
import { fetchViewer, loginPath, signOutPath } from "./auth-api";

export type ViewerState =
  | { kind: "loading" }
  | { kind: "ready"; viewer: Viewer }
  | { kind: "error"; message: string };

export function useViewer(): { state: ViewerState; retry: () => void } {
  const [state, setState] = useState<ViewerState>({ kind: "loading" });
  const [attempt, setAttempt] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` is the retry trigger.
  useEffect(() => {
    const controller = new AbortController();
    setState({ kind: "loading" });
    fetchViewer(controller.signal).then(
      (viewer) => setState({ kind: "ready", viewer }),
      (error: unknown) => {
        if (controller.signal.aborted) return;
        if (error instanceof ApiError && error.status === 401) {
          sessionEnded();
          return;
        }
        const message = error instanceof Error ? error.message : "Could not load your account.";
        setState({ kind: "error", message });
      },
    );
    return () => controller.abort();
  }, [attempt]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return { state, retry };
}

/** After a live stream fails: if the session has expired, go to the login page. */
export function checkSession(): void {
  fetchViewer().catch((error: unknown) => {
    if (error instanceof ApiError && error.status === 401) sessionEnded();
  });
}

/** Operators go to the sign-in form; viewers from their platform to a page saying how to return. */
function sessionEnded(): void {
  if (signOutPath() === "/login") navigate(loginPath(window.location.pathname), { replace: true });
  else navigate("/signed-out?reason=expired", { replace: true });
}
