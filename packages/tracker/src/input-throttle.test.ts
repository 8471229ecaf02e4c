import { describe, expect, it } from "vitest";
import { inputThrottle } from "./input-throttle.js";

function fakeClock(start = 1_000_000) {
  let now = start;
  return { clock: () => now, advance: (ms: number) => (now += ms) };
}

describe("inputThrottle", () => {
  it("reports the first input at once", () => {
    const { clock } = fakeClock();
    expect(inputThrottle(clock).record()).toBe(true);
  });

  it("reports input at most once per throttle interval while the user is busy", () => {
    const { clock, advance } = fakeClock();
    const throttle = inputThrottle(clock, -Infinity, 5_000, 300_000);
    const reported: number[] = [];
    for (let t = 0; t <= 12_000; t += 100) {
      if (throttle.record()) reported.push(t);
      advance(100);
    }
    expect(reported).toEqual([0, 5_000, 10_000]);
  });

  it("reports input at once when it ends an idle spell, even inside the throttle interval", () => {
    const { clock, advance } = fakeClock();
    const throttle = inputThrottle(clock, -Infinity, 60_000, 30_000);
    expect(throttle.record()).toBe(true);
    advance(29_999);
    expect(throttle.record()).toBe(false);
    advance(30_000);
    expect(throttle.record()).toBe(true);
  });

  it("leaves throttled input pending for the heartbeat, once", () => {
    const { clock, advance } = fakeClock();
    const throttle = inputThrottle(clock, -Infinity, 5_000, 300_000);
    throttle.record();
    expect(throttle.takePending()).toBe(false);
    advance(1_000);
    throttle.record();
    expect(throttle.takePending()).toBe(true);
    expect(throttle.takePending()).toBe(false);
    // the heartbeat's report restarts the interval
    advance(4_500);
    expect(throttle.record()).toBe(false);
  });

  it("tells how long ago the last input was", () => {
    const { clock, advance } = fakeClock();
    expect(inputThrottle(clock).agoMs()).toBeUndefined();
    const throttle = inputThrottle(clock, clock());
    advance(2_500);
    expect(throttle.agoMs()).toBe(2_500);
    throttle.record();
    expect(throttle.agoMs()).toBe(0);
  });

  it("counts an input at load as recent, so the next one is throttled", () => {
    const { clock, advance } = fakeClock();
    const throttle = inputThrottle(clock, clock(), 5_000, 300_000);
    advance(1_000);
    expect(throttle.record()).toBe(false);
  });

  it("follows the server's settings", () => {
    const { clock, advance } = fakeClock();
    const throttle = inputThrottle(clock, -Infinity, 5_000, 300_000);
    throttle.configure(1_000, 300_000);
    throttle.record();
    advance(1_000);
    expect(throttle.record()).toBe(true);
  });
});
