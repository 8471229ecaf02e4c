import { describe, expect, it } from "vitest";
import { findNulCharacter } from "./nul-characters.js";

describe("findNulCharacter", () => {
  it("names the path of a NUL in a value or a key, and passes clean input", () => {
    expect(findNulCharacter({ events: [{ id: "a" }, { name: "x\u0000y" }] }, "body")).toBe(
      "body.events[1].name",
    );
    expect(findNulCharacter({ props: { "k\u0000": 1 } }, "message")).toBe("message.props.k\\u0000");
    expect(findNulCharacter({ a: ["b", { c: "d" }], n: 1, z: null }, "body")).toBeNull();
  });
});
