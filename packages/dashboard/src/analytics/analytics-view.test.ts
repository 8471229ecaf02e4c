// Tests of the Users page's view in the URL: reading it back, writing it out, and the API queries.
import { describe, expect, it } from "vitest";
import {
  type AnalyticsView,
  customRangeProblem,
  nextTableSort,
  parseView,
  tableParams,
  viewToSearch,
  withTable,
} from "./analytics-view";

const defaults = { tz: "Europe/Berlin", today: "2026-11-23" };
const parse = (search: string) => parseView(new URLSearchParams(search), defaults);

describe("parseView", () => {
  it("opens on the past 7 days in the viewer's zone when the URL says nothing", () => {
    const view = parse("");
    expect(view).toEqual({
      range: "7d",
      from: "2026-11-17",
      to: "2026-11-23",
      tz: "Europe/Berlin",
      table: {
        members: "active",
        sort: "name",
        order: "asc",
        q: "",
        role: "",
        inactiveDays: null,
        minMessages: 0,
        maxMessages: null,
        page: 1,
      },
    });
  });

  it("reads every part of the view", () => {
    const view = parse(
      "range=custom&from=2026-10-01&to=2026-10-31&tz=Asia%2FKathmandu&sort=messagesSent&order=asc&q=ada&inactiveDays=14&minMessages=3&page=4&members=all&role=%20Instructor%20&maxMessages=8",
    );
    expect(view).toEqual({
      range: "custom",
      from: "2026-10-01",
      to: "2026-10-31",
      tz: "Asia/Kathmandu",
      table: {
        members: "all",
        sort: "messagesSent",
        order: "asc",
        q: "ada",
        role: "Instructor",
        inactiveDays: 14,
        minMessages: 3,
        maxMessages: 8,
        page: 4,
      },
    });
  });

  it("falls back on defaults for values it cannot use", () => {
    const view = parse("range=year&tz=Mars%2FOlympus&sort=email&page=-2&minMessages=lots");
    expect(view.range).toBe("7d");
    expect(view.tz).toBe("Europe/Berlin");
    expect(view.table.sort).toBe("name");
    expect(view.table.page).toBe(1);
    expect(view.table.minMessages).toBe(0);
  });

  it("gives a custom range without dates the last 7 days", () => {
    const view = parse("range=custom&from=2026-10-01");
    expect([view.from, view.to]).toEqual(["2026-11-17", "2026-11-23"]);
  });

  it("writes zones under their current names", () => {
    expect(parse("tz=Asia%2FCalcutta").tz).toBe("Asia/Kolkata");
    expect(parseView(new URLSearchParams(""), { ...defaults, tz: "Asia/Katmandu" }).tz).toBe(
      "Asia/Kathmandu",
    );
  });

  it("sorts a new column its natural way when the order is left out", () => {
    expect(parse("sort=lastActiveAt").table.order).toBe("desc");
  });
});

describe("viewToSearch", () => {
  it("round-trips a view through the query string", () => {
    const view: AnalyticsView = {
      range: "custom",
      from: "2026-03-28",
      to: "2026-03-30",
      tz: "America/New_York",
      table: {
        members: "all",
        sort: "lastActiveAt",
        order: "asc",
        q: "grace hopper",
        role: "Learner",
        inactiveDays: 30,
        minMessages: 2,
        maxMessages: 9,
        page: 3,
      },
    };
    expect(parse(viewToSearch(view).slice(1))).toEqual(view);
  });

  it("leaves defaults out but always names the range and the zone", () => {
    expect(viewToSearch(parse(""))).toBe("?range=7d&tz=Europe%2FBerlin");
    expect(viewToSearch(parse("range=30d&sort=messagesSent"))).toBe(
      "?range=30d&tz=Europe%2FBerlin&sort=messagesSent",
    );
  });
});

describe("tableParams", () => {
  it("asks for one page of 50 with the filters", () => {
    const view = parse("range=today&q=%20ada%20&minMessages=5&page=3&sort=lastActiveAt");
    expect(Object.fromEntries(tableParams(view))).toEqual({
      range: "today",
      tz: "Europe/Berlin",
      members: "active",
      sort: "lastActiveAt",
      order: "desc",
      q: "ada",
      minMessages: "5",
      limit: "50",
      offset: "100",
    });
  });

  it("asks for the whole filtered table as CSV", () => {
    const params = tableParams(parse("inactiveDays=7&page=2"), "csv");
    expect(params.get("format")).toBe("csv");
    expect(params.get("inactiveDays")).toBe("7");
    expect(params.has("limit")).toBe(false);
    expect(params.has("offset")).toBe(false);
  });

  it("asks for low-activity learners among everyone known: members, role and at most N messages", () => {
    const view = parse("members=all&role=Learner&maxMessages=0&inactiveDays=7");
    expect(view.table).toMatchObject({ members: "all", role: "Learner", maxMessages: 0 });
    const params = tableParams(view, "csv");
    expect([...params.keys()]).toEqual(
      expect.arrayContaining(["members", "role", "maxMessages", "inactiveDays"]),
    );
    expect(params.get("maxMessages")).toBe("0");
    expect(tableParams(parse("members=nobody")).get("members")).toBe("active");
  });
});

describe("table changes", () => {
  it("goes back to page 1 when a filter changes", () => {
    const view = parse("page=5");
    expect(withTable(view, { q: "ada" }).table).toMatchObject({ q: "ada", page: 1 });
  });

  it("flips the order of the sorted column and starts a new column its natural way", () => {
    const table = parse("").table;
    expect(nextTableSort(table, "name")).toEqual({ sort: "name", order: "desc" });
    expect(nextTableSort(table, "messagesSent")).toEqual({ sort: "messagesSent", order: "desc" });
  });
});

describe("customRangeProblem", () => {
  it("accepts an ordered range of up to 366 days", () => {
    expect(customRangeProblem("2026-11-23", "2026-11-23")).toBeNull();
    expect(customRangeProblem("2025-11-23", "2026-11-23")).toBeNull();
  });

  it("says what is wrong otherwise", () => {
    expect(customRangeProblem("", "2026-11-23")).toMatch(/start and an end/);
    expect(customRangeProblem("2026-11-24", "2026-11-23")).toMatch(/after the end/);
    expect(customRangeProblem("2025-01-01", "2026-11-23")).toMatch(/366 days/);
  });
});
