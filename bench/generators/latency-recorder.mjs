// Collects page-change latencies seen by a viewer: path `/p/<µs since epoch>` → now − then.
import { nowMicros } from "../harness/child-runtime.mjs";
import { summarize } from "../harness/stats.mjs";

const MAX_SAMPLES = 5_000_000;
const PATH = /^\/p\/(\d+)$/;

export function createLatencyRecorder() {
  /** @type {number[]} */
  let samples = [];
  /** Last stamp counted per user: a row re-sent for another reason is not a new change. */
  const lastStamp = new Map();
  let received = 0;
  return {
    /**
     * @param {string} user
     * @param {string | undefined | null} path
     */
    observe(user, path) {
      if (!path) return;
      const match = PATH.exec(path);
      if (!match) return;
      const stamp = Number(match[1]);
      if (stamp === 0 || lastStamp.get(user) === stamp) return;
      lastStamp.set(user, stamp);
      received++;
      if (samples.length < MAX_SAMPLES) samples.push((nowMicros() - stamp) / 1_000);
    },
    reset() {
      samples = [];
      received = 0;
    },
    report() {
      return { ...summarize(samples), received };
    },
  };
}
