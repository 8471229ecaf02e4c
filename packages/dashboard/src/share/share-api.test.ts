// The dashboard's share-link helpers: the token in a path, the view a report opens on, the paths it asks.
import { describe, expect, it } from "vitest";
import { type SharedReport, sharedPaths, shareToken, viewOf } from "./share-api";

const report: SharedReport = {
  app: "math",
  range: "custom",
  from: "2026-11-01",
  to: "2026-11-30",
  tz: "Asia/Kathmandu",
  includeTable: true,
  label: null,
  expiresAt: "2026-12-14T09:00:00.000Z",
};

describe("share links in the dashboard", () => {
  it("reads the token of a /share/<token> path, and nothing else", () => {
    expect(shareToken("/share/aaa.bbb-_.ccc")).toBe("aaa.bbb-_.ccc");
    expect(shareToken("/share/aaa.bbb.ccc/")).toBe("aaa.bbb.ccc");
    expect(shareToken("/share/")).toBeNull();
    expect(shareToken("/share/a/b")).toBeNull();
    expect(shareToken("/analytics/share")).toBeNull();
  });

  it("opens the report on the link's own range and zone, the table as it starts", () => {
    const view = viewOf(report, "2026-12-07");
    expect(view).toMatchObject({ range: "custom", from: "2026-11-01", to: "2026-11-30" });
    expect(view.tz).toBe("Asia/Kathmandu");
    expect(view.table).toMatchObject({ members: "active", sort: "name", page: 1, q: "" });
    const preset = viewOf({ ...report, range: "7d", from: null, to: null }, "2026-12-07");
    expect(preset.range).toBe("7d");
  });

  it("asks the holder's endpoints, never the viewer's", () => {
    const paths = sharedPaths("t.o.k", viewOf(report, "2026-12-07"));
    for (const path of Object.values(paths)) expect(path).toMatch(/^\/api\/v1\/share\/t\.o\.k/);
    expect(paths.csv).toContain("format=csv");
  });
});
