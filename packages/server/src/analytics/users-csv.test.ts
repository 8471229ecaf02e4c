// The user table's CSV: its file name (app, dates, zone, when), zoned times and safe cells.
import { describe, expect, it } from "vitest";
import type { AnalyticsQuery } from "./analytics-query.js";
import { resolveRange } from "./analytics-range.js";
import { attachment, usersCsvFileName, usersToCsv } from "./users-csv.js";

const NOW = Date.UTC(2026, 11, 7, 18, 30, 0); // 7 Dec 2026 18:30 UTC: already 8 Dec in Auckland

function query(range: "today" | "7d" | "custom", tz: string, from?: string, to?: string) {
  return {
    scope: { platform: "p1", app: "math" },
    range: resolveRange({ range, from, to, tz, now: NOW }),
    rangeName: range,
    tz,
    now: NOW,
  } satisfies AnalyticsQuery;
}

describe("usersCsvFileName", () => {
  it("names the app, the range's first and last local days, the zone and when it was made", () => {
    expect(usersCsvFileName("math", query("7d", "Asia/Kathmandu"))).toBe(
      "rollcall-users_math_2026-12-02_to_2026-12-08_Asia-Kathmandu_generated-2026-12-08T0015+0545.csv",
    );
    expect(usersCsvFileName("_all", query("today", "Pacific/Auckland"))).toBe(
      "rollcall-users_all-apps_2026-12-08_Pacific-Auckland_generated-2026-12-08T0730+1300.csv",
    );
    expect(
      usersCsvFileName(
        "maths/ünï t",
        query("custom", "America/New_York", "2026-11-01", "2026-11-30"),
      ),
    ).toBe(
      "rollcall-users_maths-ünï-t_2026-11-01_to_2026-11-30_America-New_York_generated-2026-12-07T1330-0500.csv",
    );
  });

  it("gives an ASCII name beside the exact one in the header", () => {
    expect(attachment("rollcall-users_ünï.csv")).toBe(
      `attachment; filename="rollcall-users__n_.csv"; filename*=UTF-8''rollcall-users_%C3%BCn%C3%AF.csv`,
    );
  });
});

describe("usersToCsv", () => {
  it("writes times in the zone with its offset, empty for never, and neutralises formulas", () => {
    const csv = usersToCsv(
      [
        {
          id: "a",
          name: "=HYPERLINK()",
          email: "a@x",
          role: "Learner",
          messagesSent: 2,
          lastActiveAt: "2026-12-03T08:20:09.500Z",
        },
        { id: "b", name: 'Bo "B", Jr', email: "", role: "", messagesSent: 0, lastActiveAt: null },
      ],
      "Asia/Kathmandu",
    );
    expect(csv.split("\r\n")).toEqual([
      "id,name,email,role,messages_sent,last_active_at",
      `a,"'=HYPERLINK()",a@x,Learner,2,2026-12-03T14:05:09+05:45`,
      'b,"Bo ""B"", Jr",,,0,',
      "",
    ]);
  });
});
