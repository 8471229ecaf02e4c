// Token buckets: a steady rate with a small burst, per connection or per key (a client address).

/** A bucket of `burst` tokens refilled at `perSecond`; each allowed action takes one. */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.updatedAt = now;
  }

  /** Takes a token if there is one; false means over the rate. */
  take(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Seconds until a token is back (0 when one is available). */
  waitSeconds(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil((1 - this.tokens) / this.perSecond);
  }

  isFull(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.burst;
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.updatedAt) / 1000;
    this.tokens = Math.min(this.burst, this.tokens + elapsed * this.perSecond);
    this.updatedAt = now;
  }
}

/** One bucket per key, with the number of keys kept bounded (full buckets are forgotten first). */
export class KeyedRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly clock: () => number,
    private readonly maxKeys = 10_000,
  ) {}

  /** How many keys are remembered. */
  get size(): number {
    return this.buckets.size;
  }

  /** 0 when allowed now, else the seconds to wait before trying again. */
  hit(key: string): number {
    const now = this.clock();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.maxKeys) this.prune(now);
      bucket = new TokenBucket(this.perSecond, this.burst, now);
      this.buckets.set(key, bucket);
    }
    return bucket.take(now) ? 0 : Math.max(1, bucket.waitSeconds(now));
  }

  private prune(now: number): void {
    for (const [key, bucket] of this.buckets) if (bucket.isFull(now)) this.buckets.delete(key);
    // Everyone is mid-burst (a flood of addresses): start over rather than grow.
    if (this.buckets.size >= this.maxKeys) this.buckets.clear();
  }
}
