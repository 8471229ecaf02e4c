import { describe, expect, it } from "vitest";
import { SEARCH_EXAMPLE_USERS, SEARCH_EXAMPLES } from "./search-examples.js";
import { foldText, matchesNeedle, searchNeedle } from "./search-text.js";

describe("foldText", () => {
  it("finds each example's users, and only them", () => {
    const folded = SEARCH_EXAMPLE_USERS.map((u) => ({
      id: u.id,
      name: foldText(u.name),
      email: foldText(u.email),
    }));
    for (const { q, finds } of SEARCH_EXAMPLES) {
      const needle = searchNeedle(q);
      const found = folded.filter((u) => matchesNeedle(needle, u.name, u.email)).map((u) => u.id);
      expect({ q, finds: found.sort() }).toEqual({ q, finds: [...finds].sort() });
    }
  });

  it("drops accents, lowers, and spells out letters that do not decompose", () => {
    expect(foldText("José Ñúñez")).toBe("jose nunez");
    expect(foldText("İSTANBUL")).toBe("istanbul");
    expect(foldText("ıŞık")).toBe("isik");
    expect(foldText("STRAẞE Straße")).toBe("strasse strasse");
    expect(foldText("ΟΔΥΣΣΕΥΣ")).toBe("οδυσσευσ");
    expect(foldText("Ångström Å")).toBe("angstrom a");
    expect(foldText("Ørsted Łódź Đorđe Æsir Œuvre")).toBe("orsted lodz dorde aesir oeuvre");
    expect(foldText("ＡＢＣ１２３")).toBe("abc123");
    expect(foldText("ﬁle")).toBe("file");
    expect(foldText("王小明")).toBe("王小明");
    expect(foldText("Hello, World!")).toBe("hello, world!");
  });

  it("keeps the marks that are vowels or voicing in other scripts", () => {
    expect(foldText("किताब")).not.toBe(foldText("कताब"));
    expect(foldText("ガ")).not.toBe(foldText("カ"));
    expect(foldText("ガ")).toBe(foldText("ｶﾞ"));
  });

  it("is done once: folding a folded code point changes nothing, for every code point", () => {
    const changed: string[] = [];
    for (let point = 0; point <= 0x10ffff; point++) {
      if (point >= 0xd800 && point <= 0xdfff) continue;
      const folded = foldText(String.fromCodePoint(point));
      if (foldText(folded) !== folded) changed.push(point.toString(16));
    }
    expect(changed).toEqual([]);
  });

  it("matches everyone for a blank query", () => {
    expect(searchNeedle("   ")).toBe("");
    expect(matchesNeedle("", "anything")).toBe(true);
    expect(matchesNeedle("x")).toBe(false);
  });
});
