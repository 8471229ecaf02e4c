// When to report user input: at once after an idle spell, otherwise at most once per interval.

/** Milliseconds since the epoch, injected so tests drive time by hand. */
export type Clock = () => number;

export interface InputThrottle {
  /** Records input now; true when it should be reported at once. */
  record(): boolean;
  /** True, once, when there was input since the last report (the heartbeat reports it). */
  takePending(): boolean;
  /** Milliseconds since the last input, or undefined before any. */
  agoMs(): number | undefined;
  /** Applies the server's settings from `welcome`. */
  configure(throttleMs: number, idleMs: number): void;
}

export function inputThrottle(
  clock: Clock,
  lastInputAt = -Infinity,
  throttleMs = 5_000,
  idleMs = 300_000,
): InputThrottle {
  let last = lastInputAt;
  let reported = last; // an input before start reaches the server in the hello
  let pending = false;
  return {
    record() {
      const now = clock();
      const wasIdle = now - last >= idleMs;
      last = now;
      if (wasIdle || now - reported >= throttleMs) {
        reported = now;
        pending = false;
        return true;
      }
      pending = true;
      return false;
    },
    takePending() {
      const was = pending;
      if (was) reported = clock();
      pending = false;
      return was;
    },
    agoMs: () => (last === -Infinity ? undefined : Math.max(0, clock() - last)),
    configure(t, i) {
      throttleMs = t;
      idleMs = i;
    },
  };
}
