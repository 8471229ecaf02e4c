// Loads one user's detail for the drawer, and reloads it when their row changes on the live stream.
import type { PresenceUser, UserDetailResponse } from "@rollcall/protocol";
import { useCallback, useEffect, useState } from "react";
import { ApiError, apiGet } from "../api/api-client";

export type UserDetailState =
  | { kind: "loading" }
  | { kind: "ready"; detail: UserDetailResponse; isRefreshing: boolean }
  | { kind: "error"; message: string; isGone: boolean };

export function useUserDetail(
  id: string,
  row: PresenceUser | undefined,
): { state: UserDetailState; reload: () => void } {
  const [state, setState] = useState<UserDetailState>({ kind: "loading" });
  const [attempt, setAttempt] = useState(0);

  // The caller keys its component by id, so a new user starts from scratch; a new version of the
  // same row (a live change) reloads behind the view already shown.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `row` and `attempt` trigger a reload.
  useEffect(() => {
    const controller = new AbortController();
    setState((previous) =>
      previous.kind === "ready" ? { ...previous, isRefreshing: true } : { kind: "loading" },
    );
    apiGet<UserDetailResponse>(
      `/api/v1/presence/users/${encodeURIComponent(id)}`,
      controller.signal,
    ).then(
      (detail) => setState({ kind: "ready", detail, isRefreshing: false }),
      (error: unknown) => {
        if (controller.signal.aborted) return;
        const isGone = error instanceof ApiError && error.status === 404;
        const message = isGone
          ? "This user no longer exists on the platform."
          : error instanceof Error
            ? error.message
            : "Could not load this user.";
        setState({ kind: "error", message, isGone });
      },
    );
    return () => controller.abort();
  }, [id, row, attempt]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return { state, reload };
}
