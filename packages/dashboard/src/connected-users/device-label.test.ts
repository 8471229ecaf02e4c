// Tests of how a connection's device is named.
import { describe, expect, it } from "vitest";
import { describeDevice } from "./device-label";

const chromeMac =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36";
const edgeWindows =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36 Edg/124.0";
const safariIphone =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";

describe("describeDevice", () => {
  it("prefers what the server parsed", () => {
    expect(describeDevice({ ua: chromeMac, browser: "Arc", os: "macOS" })).toBe("Arc on macOS");
  });

  it("reads browser and system from the user agent otherwise", () => {
    expect(describeDevice({ ua: chromeMac, browser: null, os: null })).toBe("Chrome on macOS");
    expect(describeDevice({ ua: edgeWindows, browser: null, os: null })).toBe("Edge on Windows");
    expect(describeDevice({ ua: safariIphone, browser: null, os: null })).toBe("Safari on iOS");
  });

  it("says so when nothing is known", () => {
    expect(describeDevice({ ua: null, browser: null, os: null })).toBe("Unknown device");
  });
});
