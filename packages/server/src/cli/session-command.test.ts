// `rollcall session revoke` against a running server: the revoked sessions are refused at once.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { signViewerToken } from "../auth/token-signer.js";
import { startTestRollcall, TEST_SECRET, type TestRollcall } from "../testing/test-rollcall.js";
import { sessionRevokeCommand } from "./session-command.js";

let rollcall: TestRollcall;
let env: NodeJS.ProcessEnv;
let output: string;

beforeEach(async () => {
  rollcall = await startTestRollcall();
  env = { ROLLCALL_DATA_DIR: rollcall.dataDir };
  output = "";
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, "write").mockImplementation((chunk) => {
      output += String(chunk);
      return true;
    });
  }
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rollcall.stop();
});

/** Signs in through /embed as `sub`; returns the session cookie. */
async function embedAs(sub: string): Promise<string> {
  const token = await signViewerToken(
    { sub, role: "admin" },
    { secret: TEST_SECRET, ttlSeconds: 60 },
  );
  const response = await fetch(`${rollcall.url}/embed?token=${token}`, { redirect: "manual" });
  expect(response.status).toBe(302);
  return (response.headers.get("set-cookie") ?? "").split(";")[0]!;
}

async function isSignedIn(cookie: string): Promise<boolean> {
  const response = await fetch(`${rollcall.url}/api/v1/me`, { headers: { cookie } });
  await response.body?.cancel();
  return response.status === 200;
}

describe("rollcall session revoke", () => {
  it("ends one viewer's sessions on a running server and leaves the others", async () => {
    const [ann1, ann2, bob] = [await embedAs("ann"), await embedAs("ann"), await embedAs("bob")];
    expect(await isSignedIn(ann1)).toBe(true);

    expect(await sessionRevokeCommand.run({ viewer: "ann" }, env)).toBe(0);
    expect(output).toContain('ended 2 sessions of viewer "ann"');
    expect([await isSignedIn(ann1), await isSignedIn(ann2), await isSignedIn(bob)]).toEqual([
      false,
      false,
      true,
    ]);
  });

  it("ends every session with --all, only on the platform given with --platform", async () => {
    const [ann, bob] = [await embedAs("ann"), await embedAs("bob")];
    expect(await sessionRevokeCommand.run({ all: true, platform: "acme" }, env)).toBe(0);
    expect(output).toContain('ended 0 sessions of every viewer on platform "acme"');
    expect([await isSignedIn(ann), await isSignedIn(bob)]).toEqual([true, true]);
    expect(await sessionRevokeCommand.run({ all: true, platform: "default" }, env)).toBe(0);
    expect([await isSignedIn(ann), await isSignedIn(bob)]).toEqual([false, false]);
  });

  it("wants exactly one of --viewer and --all", async () => {
    await expect(sessionRevokeCommand.run({}, env)).rejects.toThrow(/--viewer .* or --all/);
    await expect(sessionRevokeCommand.run({ viewer: "ann", all: true }, env)).rejects.toThrow(
      /either/,
    );
  });
});
