// What one tracker client may use: frames per second, connections per user and per address, send buffer.

export interface TrackerLimits {
  /** Steady frames per second on one socket. */
  framesPerSecond: number;
  /**
   * Frames allowed at once: the tracker resends its whole queue (at most 500 events) right after
   * a welcome, so the burst must hold that or a reconnecting tab would be cut off in a loop.
   */
  frameBurst: number;
  /** Open sockets of one user (tabs and devices together). */
  connectionsPerUser: number;
  /** Open sockets from one client address (a NAT or proxy shares one). */
  connectionsPerAddress: number;
  /** A client that leaves this much unread in its send buffer is not reading: it is cut off. */
  maxBufferedBytes: number;
}

export const TRACKER_LIMITS: TrackerLimits = {
  framesPerSecond: 50,
  frameBurst: 600,
  connectionsPerUser: 50,
  connectionsPerAddress: 2_000,
  maxBufferedBytes: 1_048_576,
};

/** Counts open connections per key (a user, an address) against a ceiling. */
export class ConnectionCounter {
  private readonly counts = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** Takes a slot for `key`; false when it already has `max`. */
  tryAdd(key: string): boolean {
    const count = this.counts.get(key) ?? 0;
    if (count >= this.max) return false;
    this.counts.set(key, count + 1);
    return true;
  }

  remove(key: string): void {
    const count = this.counts.get(key) ?? 0;
    if (count <= 1) this.counts.delete(key);
    else this.counts.set(key, count - 1);
  }

  count(key: string): number {
    return this.counts.get(key) ?? 0;
  }
}
