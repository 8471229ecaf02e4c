// `rollcall token user|viewer`: never prints a token that Rollcall's longest lifetime would refuse.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { platformCreateCommand } from "./platform-command.js";
import { tokenUserCommand, tokenViewerCommand } from "./token-commands.js";

let dataDir: string;
let output: string;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), "rollcall-cli-"));
  output = "";
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, "write").mockImplementation((chunk) => {
      output += String(chunk);
      return true;
    });
  }
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The payload of the token the last command printed. */
function printedClaims(): { iat: number; exp: number } {
  const token = output.trim().split("\n").at(-1) ?? "";
  return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8"));
}

describe("rollcall token", () => {
  it("refuses a --ttl over ROLLCALL_MAX_TOKEN_SECONDS and signs within it by default", async () => {
    const env = { ROLLCALL_DATA_DIR: dataDir, ROLLCALL_MAX_TOKEN_SECONDS: "600" };
    await platformCreateCommand.run({ id: "default", secret: "a-secret-of-16-chars" }, env);
    await expect(tokenUserCommand.run({ sub: "u1", ttl: "601" }, env)).rejects.toThrow(
      /--ttl: at most 600 s/,
    );
    await expect(
      tokenViewerCommand.run({ sub: "v1", role: "owner", ttl: "86400" }, env),
    ).rejects.toThrow(/ROLLCALL_MAX_TOKEN_SECONDS/);
    expect(await tokenUserCommand.run({ sub: "u1" }, env)).toBe(0);
    const claims = printedClaims();
    expect(claims.exp - claims.iat).toBe(600);
  });
});
