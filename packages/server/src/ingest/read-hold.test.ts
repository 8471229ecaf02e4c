import { afterEach, describe, expect, it, vi } from "vitest";
import { ReadHold } from "./read-hold.js";

afterEach(() => {
  vi.useRealTimers();
});

function hold() {
  const applied: boolean[] = [];
  return { applied, readHold: new ReadHold(1_000, (isHeld) => applied.push(isHeld)) };
}

describe("ReadHold", () => {
  it("holds while wanted, and again at once after catching up", () => {
    vi.useFakeTimers();
    const { applied, readHold } = hold();
    readHold.want(true);
    readHold.want(true);
    expect(readHold.isHeld).toBe(true);
    readHold.want(false);
    expect(readHold.isHeld).toBe(false);
    readHold.want(true);
    expect(applied).toEqual([true, false, true]);
  });

  it("gives way after its longest hold, reads as long, then holds again if still wanted", () => {
    vi.useFakeTimers();
    const { applied, readHold } = hold();
    readHold.want(true);
    vi.advanceTimersByTime(1_000);
    expect(readHold.isHeld).toBe(false);
    readHold.want(true); // still behind: waits out the reading
    vi.advanceTimersByTime(999);
    expect(readHold.isHeld).toBe(false);
    vi.advanceTimersByTime(1);
    expect(readHold.isHeld).toBe(true);
    readHold.want(false);
    expect(applied).toEqual([true, false, true, false]);
    // Caught up while reading after giving way: no hold when the reading ends.
    readHold.want(true);
    vi.advanceTimersByTime(1_000);
    readHold.want(false);
    vi.advanceTimersByTime(5_000);
    expect(applied).toEqual([true, false, true, false, true, false]);
    readHold.stop();
  });
});
