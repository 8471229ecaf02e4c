import { describe, expect, it } from "vitest";
import { acceptsMediaType, mediaTypeOf } from "./media-type.js";

describe("mediaTypeOf", () => {
  it("lowercases the type and drops parameters and spaces", () => {
    expect(mediaTypeOf("APPLICATION/JSON; Charset=UTF-8")).toBe("application/json");
    expect(mediaTypeOf(" Text/Plain ;charset=utf-8")).toBe("text/plain");
    expect(mediaTypeOf("application/json-patch+json")).toBe("application/json-patch+json");
  });

  it("gives an empty type for an absent header", () => {
    expect(mediaTypeOf(undefined)).toBe("");
  });
});

describe("acceptsMediaType", () => {
  it("finds the type in any case, among others", () => {
    expect(acceptsMediaType("TEXT/CSV", "text/csv")).toBe(true);
    expect(acceptsMediaType("application/json, Text/Csv;q=0.5", "text/csv")).toBe(true);
  });

  it("refuses a type with q=0, a wildcard and an absent header", () => {
    expect(acceptsMediaType("text/csv;q=0", "text/csv")).toBe(false);
    expect(acceptsMediaType("*/*", "text/csv")).toBe(false);
    expect(acceptsMediaType("text/*", "text/csv")).toBe(false);
    expect(acceptsMediaType(undefined, "text/csv")).toBe(false);
  });
});
