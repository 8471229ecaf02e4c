import { describe, expect, it } from "vitest";
import { sessionCookie } from "./session-cookie.js";

const attributes = (header: string) => header.split("; ").slice(1);

describe("sessionCookie", () => {
  it("lax by default: httpOnly, for the whole site, Secure only over HTTPS", () => {
    expect(sessionCookie("abc", 43_200, { sameSite: "lax", isHttps: false })).toBe(
      "rollcall_session=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age=43200",
    );
    expect(attributes(sessionCookie("abc", 60, { sameSite: "lax", isHttps: true }))).toEqual([
      "Path=/",
      "HttpOnly",
      "SameSite=Lax",
      "Max-Age=60",
      "Secure",
    ]);
  });

  it("strict keeps its Secure tied to HTTPS", () => {
    expect(attributes(sessionCookie("abc", 60, { sameSite: "strict", isHttps: false }))).toEqual([
      "Path=/",
      "HttpOnly",
      "SameSite=Strict",
      "Max-Age=60",
    ]);
    expect(sessionCookie("abc", 60, { sameSite: "strict", isHttps: true })).toMatch(/; Secure$/);
  });

  it("none is always Secure and Partitioned, even when the request did not look like HTTPS", () => {
    for (const isHttps of [true, false]) {
      expect(attributes(sessionCookie("abc", 60, { sameSite: "none", isHttps }))).toEqual([
        "Path=/",
        "HttpOnly",
        "SameSite=None",
        "Max-Age=60",
        "Secure",
        "Partitioned",
      ]);
    }
  });

  it("clearing the cookie carries the same attributes, so it hits the same (partitioned) cookie", () => {
    expect(sessionCookie("", 0, { sameSite: "none", isHttps: true })).toBe(
      "rollcall_session=; Path=/; HttpOnly; SameSite=None; Max-Age=0; Secure; Partitioned",
    );
  });
});
