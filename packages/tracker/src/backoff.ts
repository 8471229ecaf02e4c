// Reconnect delays: exponential backoff with full jitter, bounded.

/**
 * Delay in ms before reconnect attempt `attempt` (0 = first retry): uniform in
 * [0, min(maxMs, baseMs · 2^attempt)), so many tabs reconnecting after a restart spread out.
 */
export function backoffDelay(
  attempt: number,
  random: () => number = Math.random,
  baseMs = 500,
  maxMs = 30_000,
): number {
  return random() * Math.min(maxMs, baseMs * 2 ** attempt);
}
