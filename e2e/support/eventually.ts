// Polling instead of fixed sleeps: retry an assertion until it holds or time runs out.

export interface EventuallyOptions {
  /** Pause between attempts, in milliseconds. */
  intervalMs?: number;
  /** Names the wait in the failure message. */
  what?: string;
}

/**
 * Calls `fn` until it returns without throwing, and returns its value. After `timeoutMs`
 * rethrows the last error, prefixed with how long it waited, so the failing assertion is shown.
 */
export async function eventually<T>(
  fn: () => T | Promise<T>,
  timeoutMs: number,
  options: EventuallyOptions = {},
): Promise<T> {
  const intervalMs = options.intervalMs ?? 100;
  const started = Date.now();
  let lastError: unknown;
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      lastError = error;
    }
    const elapsed = Date.now() - started;
    if (elapsed >= timeoutMs) break;
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, timeoutMs - elapsed)));
  }
  const detail = lastError instanceof Error ? lastError.message : String(lastError);
  const error = new Error(
    `not true within ${timeoutMs} ms${options.what ? ` (${options.what})` : ""}: ${detail}`,
  );
  if (lastError instanceof Error) error.cause = lastError;
  throw error;
}

/**
 * How long to wait for a page, the API or the dashboard to catch up with something that happens
 * at once: generous, since a wait ends when its condition holds, and the browser, the server and
 * this runner share a machine that other work may load.
 */
export const SETTLE_MS = 15_000;

/** Milliseconds since `start` (a Date.now() value). */
export function since(start: number): number {
  return Date.now() - start;
}
