import { describe, expect, it } from "vitest";
import { presenceCsvPath } from "./presence-csv-link";
import { defaultSort, emptyFilter } from "./user-query";

describe("presenceCsvPath", () => {
  it("asks for every user in the table's order when nothing filters", () => {
    expect(presenceCsvPath(emptyFilter, defaultSort, "Asia/Kathmandu")).toBe(
      "/api/v1/presence?format=csv&tz=Asia%2FKathmandu&sort=status&order=asc",
    );
  });

  it("carries the search, status and role on screen; longest active first is the API's ascending", () => {
    const path = presenceCsvPath(
      { search: " /admin ", status: "online", role: "Learner" },
      { column: "activeFor", direction: "desc" },
      "UTC",
    );
    expect(Object.fromEntries(new URL(path, "http://x").searchParams)).toEqual({
      format: "csv",
      tz: "UTC",
      sort: "activeFor",
      order: "asc",
      q: "/admin",
      status: "online",
      role: "Learner",
    });
  });
});
