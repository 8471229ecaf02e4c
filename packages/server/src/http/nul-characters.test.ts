import { describe, expect, it } from "vitest";
import { findNulCharacter, findNulCharacterInJson } from "./nul-characters.js";

describe("findNulCharacter", () => {
  it("names the path of a NUL in a value or a key, and passes clean input", () => {
    expect(findNulCharacter({ events: [{ id: "a" }, { name: "x\u0000y" }] }, "body")).toBe(
      "body.events[1].name",
    );
    expect(findNulCharacter({ props: { "k\u0000": 1 } }, "message")).toBe("message.props.k\\u0000");
    expect(findNulCharacter({ a: ["b", { c: "d" }], n: 1, z: null }, "body")).toBeNull();
  });

  it("finds a NUL in parsed JSON by its escape, and skips the walk for text without one", () => {
    const check = (text: string) => findNulCharacterInJson(text, JSON.parse(text), "body");
    expect(check(String.raw`{"events":[{"name":"x\u0000y"}]}`)).toBe("body.events[0].name");
    expect(check(String.raw`{"k\u0000":1}`)).toBe("body.k\\u0000");
    // An escaped backslash before "u0000" is a backslash, not a NUL.
    expect(check(String.raw`{"path":"C:\\u0000"}`)).toBeNull();
    expect(check('{"t":"hb"}')).toBeNull();
  });
});
