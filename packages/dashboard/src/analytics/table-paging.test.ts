// Tests of the user table's paging: which rows a page shows and how the count reads.
import { describe, expect, it } from "vitest";
import { describeSlice, pageSlice } from "./table-paging";

describe("pageSlice", () => {
  it("shows 50 rows a page and knows whether there are more", () => {
    expect(pageSlice(1, 50, 412)).toEqual({
      first: 1,
      last: 50,
      pageCount: 9,
      hasPrevious: false,
      hasNext: true,
    });
    expect(pageSlice(9, 50, 412)).toMatchObject({ first: 401, last: 412, hasNext: false });
  });

  it("shows nothing for a page past the end", () => {
    expect(pageSlice(10, 50, 412)).toMatchObject({ first: 0, last: 0, hasPrevious: true });
  });
});

describe("describeSlice", () => {
  it("reads like 1–50 of 412", () => {
    expect(describeSlice(pageSlice(1, 50, 412), 412)).toBe("1–50 of 412");
    expect(describeSlice(pageSlice(2, 50, 1234), 1234)).toBe("51–100 of 1,234");
  });

  it("says when there is nothing to show", () => {
    expect(describeSlice(pageSlice(1, 50, 0), 0)).toBe("0 users");
    expect(describeSlice(pageSlice(3, 50, 20), 20)).toBe("none of 20");
  });
});
