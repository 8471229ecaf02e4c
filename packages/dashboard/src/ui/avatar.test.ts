// Tests of avatar initials: whole characters, whatever the name is written in.
import { describe, expect, it } from "vitest";
import { initialsOf } from "./avatar";

describe("initialsOf", () => {
  it("takes the first letters of the first and last words", () => {
    expect(initialsOf("Ada King Lovelace")).toBe("AL");
    expect(initialsOf("grace")).toBe("G");
  });

  it("keeps an emoji whole instead of cutting its surrogate pair", () => {
    expect(initialsOf("😀 Joy")).toBe("😀J");
    expect(initialsOf("Jo 👩‍👩‍👧")).toBe("J👩‍👩‍👧");
    expect(initialsOf("🇫🇷 Paris")).toBe("🇫🇷P");
  });

  it("keeps a letter with a combining accent whole, and shows ? for no name", () => {
    expect(initialsOf("e\u0301mile zola")).toBe("E\u0301Z");
    expect(initialsOf("   ")).toBe("?");
  });
});
