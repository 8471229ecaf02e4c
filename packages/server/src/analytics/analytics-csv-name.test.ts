// The Users analytics CSVs' file names: what, app, dates, zone and when.
import { describe, expect, it } from "vitest";
import { analyticsCsvFileName, attachment } from "./analytics-csv-name.js";
import type { AnalyticsQuery } from "./analytics-query.js";
import { resolveRange } from "./analytics-range.js";

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

describe("analyticsCsvFileName", () => {
  it("names the app, the range's first and last local days, the zone and when it was made", () => {
    expect(analyticsCsvFileName("users", "math", query("7d", "Asia/Kathmandu"))).toBe(
      "rollcall-users_math_2026-12-02_to_2026-12-08_Asia-Kathmandu_generated-2026-12-08T0015+0545.csv",
    );
    expect(analyticsCsvFileName("users", "_all", query("today", "Pacific/Auckland"))).toBe(
      "rollcall-users_all-apps_2026-12-08_Pacific-Auckland_generated-2026-12-08T0730+1300.csv",
    );
    expect(
      analyticsCsvFileName(
        "users",
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

describe("analyticsCsvFileName for the cards", () => {
  it("starts with what the file holds", () => {
    expect(analyticsCsvFileName("summary", "math", query("7d", "Asia/Kathmandu"))).toBe(
      "rollcall-summary_math_2026-12-02_to_2026-12-08_Asia-Kathmandu_generated-2026-12-08T0015+0545.csv",
    );
  });
});
