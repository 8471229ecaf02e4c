// Sends at a steady rate from a generator: a 5 ms tick spends a budget of messages per second.

/**
 * Calls `send(kind)` `rate[kind]` times a second for each kind, spread evenly over time.
 * @param {(kind: string) => void} send
 */
export function createRateTicker(send) {
  /** @type {Record<string, number>} */
  let rates = {};
  /** @type {Record<string, number>} */
  const owed = {};
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    // A stalled loop does not burst to catch up more than one second's worth.
    const elapsed = Math.min(1_000, now - last) / 1_000;
    last = now;
    for (const [kind, rate] of Object.entries(rates)) {
      owed[kind] = (owed[kind] ?? 0) + rate * elapsed;
      while ((owed[kind] ?? 0) >= 1) {
        owed[kind] = (owed[kind] ?? 0) - 1;
        send(kind);
      }
    }
  }, 5);
  return {
    /** @param {Record<string, number>} next messages per second by kind */
    setRates(next) {
      rates = { ...next };
      for (const kind of Object.keys(owed)) if (!(kind in rates)) delete owed[kind];
    },
    stop() {
      clearInterval(timer);
    },
  };
}
