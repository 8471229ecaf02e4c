// Holding the tracker sockets' reads while storage is behind, never long enough to lose a tab.

/**
 * Holds reads while wanted, but a hold lasts at most `longestMs`; one that reaches it is followed
 * by as long of reading. A tab's heartbeat then waits at most `longestMs` unread, so presence,
 * which drops a tab not heard for two heartbeats, never drops one for being held (`longestMs` is
 * half a heartbeat).
 */
export class ReadHold {
  private isWanted = false;
  private isHeldNow = false;
  /** Ends the hold while held; ends the reading that follows a hold otherwise. */
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly longestMs: number,
    private readonly apply: (isHeld: boolean) => void,
  ) {}

  get isHeld(): boolean {
    return this.isHeldNow;
  }

  /** Storage is behind (true) or has caught up (false). */
  want(isHeld: boolean): void {
    this.isWanted = isHeld;
    if (!isHeld) {
      // Caught up within the hold: reading goes on, and the next hold may come at once.
      if (this.isHeldNow) this.endHold();
      return;
    }
    if (this.isHeldNow || this.timer) return;
    this.isHeldNow = true;
    this.apply(true);
    this.timer = setTimeout(() => this.giveWay(), this.longestMs);
    this.timer.unref();
  }

  /** Reads again for good (closing: the clients' close frames must be read). */
  stop(): void {
    this.isWanted = false;
    if (this.isHeldNow) this.endHold();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private endHold(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.isHeldNow = false;
    this.apply(false);
  }

  /** Held for `longestMs` and still behind: reads again, for `longestMs` before the next hold. */
  private giveWay(): void {
    this.endHold();
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.isWanted) this.want(true);
    }, this.longestMs);
    this.timer.unref();
  }
}
