// Which failures mean "the database cannot be reached" (retry later) and which are bugs.
import { describe, expect, it } from "vitest";
import { isStorageUnavailable } from "./unavailable.js";

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe("isStorageUnavailable", () => {
  it("recognises a refused or broken connection", () => {
    expect(isStorageUnavailable(withCode("connect ECONNREFUSED 127.0.0.1:5", "ECONNREFUSED"))).toBe(
      true,
    );
    expect(isStorageUnavailable(withCode("read ECONNRESET", "ECONNRESET"))).toBe(true);
    expect(
      isStorageUnavailable(
        new AggregateError([withCode("connect ECONNREFUSED ::1:5", "ECONNREFUSED")], ""),
      ),
    ).toBe(true);
  });

  it("recognises PostgreSQL shutting down, starting up or refusing connections", () => {
    expect(isStorageUnavailable(withCode("terminating connection", "57P01"))).toBe(true);
    expect(isStorageUnavailable(withCode("the database system is starting up", "57P03"))).toBe(
      true,
    );
    expect(isStorageUnavailable(withCode("connection failure", "08006"))).toBe(true);
  });

  it("recognises node-postgres losing its connection", () => {
    expect(isStorageUnavailable(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(isStorageUnavailable(new Error("timeout exceeded when trying to connect"))).toBe(true);
    expect(
      isStorageUnavailable(
        new Error("Client has encountered a connection error and is not queryable"),
      ),
    ).toBe(true);
  });

  it("leaves errors of the statement itself alone", () => {
    expect(isStorageUnavailable(withCode('relation "nope" does not exist', "42P01"))).toBe(false);
    expect(isStorageUnavailable(withCode("duplicate key value", "23505"))).toBe(false);
    expect(isStorageUnavailable(new TypeError("x is undefined"))).toBe(false);
    expect(isStorageUnavailable("ECONNREFUSED")).toBe(false);
  });
});
