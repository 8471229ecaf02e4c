// Storage health: down while the probe gets no answer or writes fail, ok again once both are fine.
import { describe, expect, it } from "vitest";
import { StorageHealth, type StorageState } from "./storage-health.js";

function fakes() {
  let isReachable = true;
  let isWriterFailing = false;
  let retries = 0;
  const storage = {
    ping: async () => {
      if (!isReachable) throw new Error("connect ECONNREFUSED");
    },
  };
  const writer = {
    isFailing: () => isWriterFailing,
    retryNow: () => {
      retries++;
    },
  };
  const changes: StorageState[] = [];
  const health = new StorageHealth(storage, writer, {
    probeEveryMs: 60_000,
    onChange: (state) => changes.push(state),
  });
  return {
    health,
    changes,
    retries: () => retries,
    setReachable: (value: boolean) => (isReachable = value),
    setWriterFailing: (value: boolean) => (isWriterFailing = value),
  };
}

describe("StorageHealth", () => {
  it("is ok while the probe is answered and writes succeed", async () => {
    const { health, changes } = fakes();
    await health.probe();
    expect(health.state()).toBe("ok");
    expect(changes).toEqual([]);
  });

  it("is down while the probe gets no answer, and ok once it is answered again", async () => {
    const { health, changes, setReachable } = fakes();
    setReachable(false);
    await health.probe();
    expect(health.state()).toBe("down");
    setReachable(true);
    await health.probe();
    expect(health.state()).toBe("ok");
    expect(changes).toEqual(["down", "ok"]);
  });

  it("is down while writes fail even if the probe is answered, and has the writer retry", async () => {
    const { health, retries, setWriterFailing } = fakes();
    setWriterFailing(true);
    expect(health.state()).toBe("down");
    await health.probe();
    expect(retries()).toBe(1);
    expect(health.state()).toBe("down");
    setWriterFailing(false);
    expect(health.state()).toBe("ok");
  });
});
