// A fixed number of requests per client address per window: sign-in attempts (password
// guessing), requests for shared reports.

/** Sign-in attempts allowed per client address per window. */
export const LOGIN_ATTEMPTS = 10;
export const LOGIN_WINDOW_MS = 60_000;

export class AddressLimiter {
  private readonly attempts = new Map<string, { count: number; windowStart: number }>();

  constructor(
    private readonly maxAttempts: number,
    private readonly windowMs: number,
    private readonly clock: () => number,
  ) {}

  /** Counts a request; returns the seconds to wait when over the limit, else 0. */
  hit(client: string): number {
    const now = this.clock();
    if (this.attempts.size > 50_000) this.prune(now);
    const entry = this.attempts.get(client);
    // A clock set back (by hand, or the host's) starts a window too, rather than never ending one.
    if (!entry || now - entry.windowStart >= this.windowMs || now < entry.windowStart) {
      this.attempts.set(client, { count: 1, windowStart: now });
      return 0;
    }
    entry.count++;
    if (entry.count <= this.maxAttempts) return 0;
    return Math.ceil((entry.windowStart + this.windowMs - now) / 1000);
  }

  private prune(now: number): void {
    for (const [client, entry] of this.attempts) {
      if (now - entry.windowStart >= this.windowMs) this.attempts.delete(client);
    }
  }
}
