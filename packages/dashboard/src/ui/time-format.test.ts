// Tests of the on-screen wording of durations and ages.
import { describe, expect, it } from "vitest";
import { formatAge, formatDuration, formatLastSeen } from "./time-format";

describe("formatDuration", () => {
  it("shows the two largest units, padding the second", () => {
    expect(formatDuration(0)).toBe("0 s");
    expect(formatDuration(59.9)).toBe("59 s");
    expect(formatDuration(4 * 60 + 12)).toBe("4 min 12 s");
    expect(formatDuration(60)).toBe("1 min 00 s");
    expect(formatDuration(3600 + 5 * 60 + 59)).toBe("1 h 05 min");
    expect(formatDuration(2 * 86_400 + 3 * 3600)).toBe("2 d 03 h");
  });

  it("never shows a negative duration", () => {
    expect(formatDuration(-30)).toBe("0 s");
  });
});

describe("formatLastSeen", () => {
  const now = Date.parse("2025-03-01T12:00:00Z");

  it("says how long ago in the largest unit", () => {
    expect(formatLastSeen("2025-03-01T09:00:00Z", now)).toBe("last seen 3 h ago");
    expect(formatLastSeen("2025-03-01T11:55:00Z", now)).toBe("last seen 5 min ago");
    expect(formatLastSeen("2025-02-27T12:00:00Z", now)).toBe("last seen 2 d ago");
    expect(formatLastSeen("2025-03-01T11:59:58Z", now)).toBe("last seen just now");
  });

  it("says never seen for a user with no connection yet", () => {
    expect(formatLastSeen(null, now)).toBe("never seen");
  });

  it("treats a time slightly in the future as just now", () => {
    expect(formatAge(-3)).toBe("just now");
  });
});
