import { describe, expect, it } from "vitest";
import { acceptsGzip } from "./content-coding.js";

describe("acceptsGzip", () => {
  it("takes gzip when a browser lists it", () => {
    expect(acceptsGzip("gzip, deflate, br, zstd")).toBe(true);
    expect(acceptsGzip("br;q=1.0, GZIP;q=0.5")).toBe(true);
    expect(acceptsGzip("x-gzip")).toBe(true);
    expect(acceptsGzip(["deflate", "gzip"])).toBe(true);
  });

  it("sends the plain body when gzip is refused, missing, or the header is absent", () => {
    expect(acceptsGzip("gzip;q=0")).toBe(false);
    expect(acceptsGzip("gzip; q=0.000")).toBe(false);
    expect(acceptsGzip("identity")).toBe(false);
    expect(acceptsGzip("")).toBe(false);
    expect(acceptsGzip(undefined)).toBe(false);
  });

  it("reads a wildcard as gzip unless gzip itself is refused", () => {
    expect(acceptsGzip("*")).toBe(true);
    expect(acceptsGzip("*;q=0")).toBe(false);
    expect(acceptsGzip("gzip;q=0, *")).toBe(false);
  });
});
