import { describe, expect, it } from "vitest";
import { parseCsv, readUserCsv } from "./user-csv.js";

describe("readUserCsv", () => {
  it("reads quoted fields, doubled quotes, CRLF and a byte-order mark", () => {
    expect(parseCsv('a,"b, c","say ""hi"""\r\n1,2,3\n')).toEqual([
      ["a", "b, c", 'say "hi"'],
      ["1", "2", "3"],
    ]);
    const result = readUserCsv(
      '\uFEFFid,name,email,role\nu1,"Lovelace, Ada",ada@x.io,Learner\nu2,,,\n',
    );
    expect(result.errors).toEqual([]);
    expect(result.users).toEqual([
      { id: "u1", name: "Lovelace, Ada", email: "ada@x.io", role: "Learner" },
      { id: "u2", name: "u2", email: "", role: "" },
    ]);
  });

  it("accepts columns in any order and only an id column", () => {
    expect(readUserCsv("email,id\nb@x.io,u2\n").users).toEqual([
      { id: "u2", name: "u2", email: "b@x.io", role: "" },
    ]);
  });

  it("names the line and field of every bad row, and imports nothing then", () => {
    const result = readUserCsv(`id,name\nu1,A\n,B\nu1,C\nu3,${"x".repeat(300)}\n`);
    expect(result.users).toEqual([]);
    expect(result.errors).toEqual([
      "line 3: id: required",
      'line 4: id: "u1" appears twice',
      "line 5: name: longer than 256 characters",
    ]);
    expect(readUserCsv("name,email\nA,a@x\n").errors[0]).toMatch(/header must name an id column/);
  });
});
