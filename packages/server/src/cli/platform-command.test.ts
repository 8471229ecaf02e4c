// `rollcall platform rotate-secret`: two valid secrets during a rotation, then only the newest.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { signUserToken } from "../auth/token-signer.js";
import { TokenVerifier } from "../auth/token-verifier.js";
import { loadConfig } from "../config/config.js";
import { AppError } from "../errors/app-error.js";
import { openStorage } from "../storage/open-storage.js";
import { startTestRollcall, TEST_SECRET, TestTab } from "../testing/test-rollcall.js";
import { platformCreateCommand, platformRotateSecretCommand } from "./platform-command.js";

const OLD = "old-secret-0123456789";
const NEW = "new-secret-0123456789";

let dataDir: string;
let env: NodeJS.ProcessEnv;
let output: string;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), "rollcall-cli-"));
  env = { ROLLCALL_DATA_DIR: dataDir };
  output = "";
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    output += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    output += String(chunk);
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dataDir, { recursive: true, force: true });
});

async function secretsOf(id: string): Promise<string[]> {
  const storage = await openStorage(loadConfig(env));
  try {
    return (await storage.getPlatform(id))?.secrets ?? [];
  } finally {
    await storage.close();
  }
}

/** Whether a user token signed with `secret` for platform `acme` verifies against the stored secrets. */
async function isAccepted(secret: string): Promise<boolean> {
  const secrets = await secretsOf("acme");
  const verifier = new TokenVerifier(async () => secrets);
  const token = await signUserToken({ sub: "u1", plat: "acme" }, { secret, ttlSeconds: 60 });
  try {
    await verifier.verifyUser(token);
    return true;
  } catch (error) {
    if (error instanceof AppError) return false;
    throw error;
  }
}

const rotate = (values: Record<string, string | boolean>) =>
  platformRotateSecretCommand.run({ id: "acme", ...values }, env);

describe("rollcall platform rotate-secret", () => {
  it("adds the new secret and keeps the old one valid until --drop-old", async () => {
    expect(await platformCreateCommand.run({ id: "acme", secret: OLD }, env)).toBe(0);
    expect(await rotate({ secret: NEW })).toBe(0);
    expect(output).toContain(`new signing secret for "acme": ${NEW}`);
    expect(await secretsOf("acme")).toEqual([OLD, NEW]);
    expect([await isAccepted(OLD), await isAccepted(NEW)]).toEqual([true, true]);

    expect(await rotate({ "drop-old": true })).toBe(0);
    expect(await secretsOf("acme")).toEqual([NEW]);
    expect([await isAccepted(OLD), await isAccepted(NEW)]).toEqual([false, true]);
  });

  it("prints a random secret when none is given and keeps at most two", async () => {
    await platformCreateCommand.run({ id: "acme", secret: OLD }, env);
    await rotate({ secret: NEW });
    output = "";
    expect(await rotate({})).toBe(0);
    const printed = /new signing secret for "acme": (\S+)/.exec(output)?.[1];
    expect(printed).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await secretsOf("acme")).toEqual([NEW, printed]);
  });

  it("replaces every secret at once with --secret and --drop-old", async () => {
    await platformCreateCommand.run({ id: "acme", secret: OLD }, env);
    expect(await rotate({ secret: NEW, "drop-old": true })).toBe(0);
    expect(await secretsOf("acme")).toEqual([NEW]);
  });

  it("refuses an unknown platform and a short secret, and creates no database to say so", async () => {
    await expect(rotate({ secret: NEW })).rejects.toThrow(/no Rollcall database in /);
    expect(await platformCreateCommand.run({ id: "other", secret: OLD }, env)).toBe(0);
    expect(await rotate({ secret: NEW })).toBe(1);
    expect(output).toContain('no platform "acme"');
    await expect(rotate({ secret: "short" })).rejects.toThrow(/at least 16 characters/);
  });

  it("a running server accepts tokens and backend calls with the new secret at once", async () => {
    let now = Date.now();
    const rollcall = await startTestRollcall({}, dataDir, () => now);
    try {
      // Warm the server's caches with the old secret first; the rotation comes a little later.
      const tab = new TestTab(rollcall.url, "tab-rotate-01");
      expect(await tab.open(await rollcall.userToken("u1"))).toMatchObject({ t: "welcome" });
      tab.close();
      now += 2_000;
      expect(await platformRotateSecretCommand.run({ id: "default", secret: NEW }, env)).toBe(0);
      const token = await signUserToken({ sub: "u2" }, { secret: NEW, ttlSeconds: 60 });
      expect(await new TestTab(rollcall.url, "tab-rotate-02").open(token)).toMatchObject({
        t: "welcome",
        user: "u2",
      });
      for (const secret of [TEST_SECRET, NEW]) {
        const response = await fetch(`${rollcall.url}/api/v1/events`, {
          method: "POST",
          headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
          body: JSON.stringify({ events: [{ id: `e-${secret}`, user: "u1", name: "message" }] }),
        });
        expect(response.status).toBe(200);
      }
    } finally {
      await rollcall.stop(false);
    }
  });
});
