// The user table's CSV: zoned times and safe cells.
import { describe, expect, it } from "vitest";
import { usersToCsv } from "./users-csv.js";

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
