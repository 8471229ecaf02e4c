// Fetches a GET path whenever it changes; keeps the last answer on screen while the next loads.
import { useCallback, useEffect, useState } from "react";
import { ApiError, apiGet } from "../api/api-client";
import { checkSession } from "../auth/use-viewer";

export interface ApiData<T> {
  /** The latest answer, possibly for an earlier path while `isLoading`. */
  data: T | null;
  error: ApiError | null;
  isLoading: boolean;
  retry: () => void;
}

/** `path` null means "nothing to ask yet" (a half-typed custom range, say). */
export function useApiData<T>(path: string | null): ApiData<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [isLoading, setIsLoading] = useState(path !== null);
  const [attempt, setAttempt] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` is the retry trigger.
  useEffect(() => {
    if (path === null) {
      setIsLoading(false);
      return;
    }
    const controller = new AbortController();
    setIsLoading(true);
    apiGet<T>(path, controller.signal).then(
      (answer) => {
        if (controller.signal.aborted) return;
        setData(answer);
        setError(null);
        setIsLoading(false);
      },
      (failure: unknown) => {
        if (controller.signal.aborted) return;
        const apiError =
          failure instanceof ApiError
            ? failure
            : new ApiError(0, "unknown", failure instanceof Error ? failure.message : "Failed.");
        if (apiError.status === 401) checkSession();
        setError(apiError);
        setIsLoading(false);
      },
    );
    return () => controller.abort();
  }, [path, attempt]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return { data, error, isLoading, retry };
}
