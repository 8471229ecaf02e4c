// Password hashes: a round trip, and the stand-in hash for unknown emails costing a real scrypt.
import { describe, expect, it, vi } from "vitest";
import { hashPassword, UNKNOWN_OPERATOR_HASH, verifyPassword } from "./passwords.js";

const scryptCalls = vi.hoisted(() => ({ count: 0 }));
vi.mock("node:crypto", async (importOriginal) => {
  const crypto = await importOriginal<typeof import("node:crypto")>();
  return {
    ...crypto,
    scrypt: (...args: Parameters<typeof crypto.scrypt>) => {
      scryptCalls.count++;
      return crypto.scrypt(...args);
    },
  };
});

describe("passwords", () => {
  it("verifies the password a hash was made from, and no other", async () => {
    const hash = await hashPassword("correct horse");
    expect(await verifyPassword("correct horse", hash)).toBe(true);
    expect(await verifyPassword("correct horse!", hash)).toBe(false);
  });

  it("runs scrypt against the stand-in hash, as against a real one, and matches nothing", async () => {
    const hash = await hashPassword("x");
    for (const stored of [hash, UNKNOWN_OPERATOR_HASH]) {
      scryptCalls.count = 0;
      expect(await verifyPassword("guess", stored)).toBe(false);
      expect(scryptCalls.count).toBe(1);
    }
    expect(await verifyPassword("", UNKNOWN_OPERATOR_HASH)).toBe(false);
  });
});
