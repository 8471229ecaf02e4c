// The token verifier: HS256 and nothing else, well-formed parts, audiences and claims, rotated
// secrets, times on its own clock, and how little work a token of an unknown platform costs.
import { USER_AUDIENCE, VIEWER_AUDIENCE } from "@rollcall/protocol";
import { SignJWT } from "jose";
import { describe, expect, it, vi } from "vitest";
import { AppError } from "../errors/app-error.js";
import {
  CLAIMS,
  encode,
  failureOf,
  HS256,
  NOW,
  NOW_S,
  rawToken,
  SECRET,
} from "../testing/raw-tokens.js";
import { signUserToken, signViewerToken } from "./token-signer.js";
import { TokenVerifier } from "./token-verifier.js";

// createHmac counted, so a test can see the work done for a token (the real function runs).
const hmacCalls = vi.hoisted(() => ({ count: 0 }));
vi.mock("node:crypto", async (importOriginal) => {
  const crypto = await importOriginal<typeof import("node:crypto")>();
  return {
    ...crypto,
    createHmac: (...args: Parameters<typeof crypto.createHmac>) => {
      hmacCalls.count++;
      return crypto.createHmac(...args);
    },
  };
});

const verifier = new TokenVerifier(async (platform) =>
  platform === "default" ? [SECRET] : platform === "rotating" ? ["old-secret-xx", SECRET] : null,
);

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "ok";
  } catch (error) {
    return error instanceof AppError ? error.code : "crash";
  }
}

describe("TokenVerifier", () => {
  it("accepts a user token signed with the platform secret", async () => {
    const token = await signUserToken(
      { sub: "u1", name: "Ada", email: "ada@x.io", role: "Learner" },
      { secret: SECRET, ttlSeconds: 60 },
    );
    const user = await verifier.verifyUser(token);
    expect(user).toEqual({
      platform: "default",
      claims: { sub: "u1", name: "Ada", email: "ada@x.io", role: "Learner" },
      expiresAt: expect.any(Number),
    });
  });

  it("refuses a wrong key, a viewer token as user token, an expired token and alg none", async () => {
    const wrongKey = await signUserToken(
      { sub: "u1" },
      { secret: "other-secret-xx", ttlSeconds: 60 },
    );
    expect(await codeOf(verifier.verifyUser(wrongKey))).toBe("token_invalid");
    const viewer = await signViewerToken(
      { sub: "v", role: "admin" },
      { secret: SECRET, ttlSeconds: 60 },
    );
    expect(await codeOf(verifier.verifyUser(viewer))).toBe("token_invalid");
    const expired = await signUserToken(
      { sub: "u1" },
      { secret: SECRET, ttlSeconds: 60, now: Date.now() - 3_600_000 },
    );
    expect(await codeOf(verifier.verifyUser(expired))).toBe("token_expired");
    const header = Buffer.from(JSON.stringify({ alg: "none" })).toString("base64url");
    const body = Buffer.from(
      JSON.stringify({ sub: "u1", aud: "rollcall:track", exp: 9999999999 }),
    ).toString("base64url");
    expect(await codeOf(verifier.verifyUser(`${header}.${body}.`))).toBe("token_invalid");
    expect(await codeOf(verifier.verifyUser("garbage"))).toBe("token_invalid");
  });

  it("refuses a token without exp and one naming an unknown platform", async () => {
    const noExp = await new SignJWT({ sub: "u1" })
      .setProtectedHeader({ alg: "HS256" })
      .setAudience("rollcall:track")
      .sign(new TextEncoder().encode(SECRET));
    expect(await codeOf(verifier.verifyUser(noExp))).toBe("token_invalid");
    const other = await signUserToken(
      { sub: "u1", plat: "elsewhere" },
      { secret: SECRET, ttlSeconds: 60 },
    );
    expect(await codeOf(verifier.verifyUser(other))).toBe("token_invalid");
  });

  it("accepts either secret during a rotation", async () => {
    const token = await signUserToken(
      { sub: "u1", plat: "rotating" },
      { secret: SECRET, ttlSeconds: 60 },
    );
    expect((await verifier.verifyUser(token)).platform).toBe("rotating");
  });

  it("limits an instructor to the apps in the token", async () => {
    const token = await signViewerToken(
      { sub: "i1", role: "instructor", apps: ["math"] },
      { secret: SECRET, ttlSeconds: 60 },
    );
    expect(await verifier.verifyViewer(token)).toMatchObject({
      role: "instructor",
      apps: ["math"],
    });
    const admin = await signViewerToken(
      { sub: "a1", role: "admin" },
      { secret: SECRET, ttlSeconds: 60 },
    );
    expect((await verifier.verifyViewer(admin)).apps).toBeNull();
  });
});

describe("TokenVerifier with a clock", () => {
  it("refuses a token it has already accepted once the token expires", async () => {
    let now = NOW;
    const clocked = new TokenVerifier(
      async () => [SECRET],
      () => now,
    );
    const token = await signUserToken({ sub: "u1" }, { secret: SECRET, ttlSeconds: 60, now });
    expect(await failureOf(clocked.verifyUser(token))).toBe("ok");
    now += 59_999;
    expect(await failureOf(clocked.verifyUser(token))).toBe("ok");
    now += 1;
    expect(await failureOf(clocked.verifyUser(token))).toBe("token_expired: token has expired");
  });

  it("refuses a token it has already accepted once its secret is dropped", async () => {
    let secrets = ["old-secret-xx", SECRET];
    const rotating = new TokenVerifier(
      async () => secrets,
      () => NOW,
    );
    const token = rawToken(HS256, CLAIMS, "old-secret-xx");
    expect(await failureOf(rotating.verifyUser(token))).toBe("ok");
    secrets = [SECRET];
    expect(await failureOf(rotating.verifyUser(token))).toBe(
      "token_invalid: token signature does not match the platform secret",
    );
  });

  it("accepts a token signed with a secret the lookup only returns on a recheck", async () => {
    const lookup = async (_platform: string, recheck?: boolean) =>
      recheck ? [SECRET, "new-secret-xx"] : [SECRET];
    const rechecking = new TokenVerifier(lookup, () => NOW);
    expect(await failureOf(rechecking.verifyUser(rawToken(HS256, CLAIMS, "new-secret-xx")))).toBe(
      "ok",
    );
  });

  it("accepts a token for another audience only after verifying it for that audience", async () => {
    const clocked = new TokenVerifier(
      async () => [SECRET],
      () => NOW,
    );
    const both = rawToken(HS256, {
      ...CLAIMS,
      aud: [USER_AUDIENCE, VIEWER_AUDIENCE],
      role: "admin",
    });
    const userOnly = rawToken(HS256, { ...CLAIMS, role: "admin" });
    expect(await failureOf(clocked.verifyUser(both))).toBe("ok");
    expect(await failureOf(clocked.verifyViewer(both))).toBe("ok");
    expect(await failureOf(clocked.verifyUser(userOnly))).toBe("ok");
    expect(await failureOf(clocked.verifyViewer(userOnly))).toBe(
      'token_invalid: token claim "aud" is not valid: check_failed',
    );
  });

  it("refuses alg none and HS512 as not HS256", async () => {
    const clocked = new TokenVerifier(
      async () => [SECRET],
      () => NOW,
    );
    const none = `${encode({ alg: "none" })}.${encode(CLAIMS)}.`;
    const hs512 = await new SignJWT(CLAIMS)
      .setProtectedHeader({ alg: "HS512" })
      .sign(new TextEncoder().encode(SECRET));
    for (const token of [none, hs512]) {
      expect(await failureOf(clocked.verifyUser(token))).toBe(
        "token_invalid: token must be signed with HS256",
      );
    }
    expect(await failureOf(clocked.verifyUser(rawToken({ typ: "JWT" }, CLAIMS)))).toBe(
      "token_invalid: token is not valid",
    );
  });

  it("refuses parts that are not base64url JSON objects", async () => {
    const clocked = new TokenVerifier(
      async () => [SECRET],
      () => NOW,
    );
    const [header, payload, signature] = rawToken(HS256, CLAIMS).split(".");
    const notJwt = [
      `${header}.${payload}`,
      `${header}.${payload}.${signature}.x`,
      `${header}.${payload}!.${signature}`,
      `${header}.${payload}+.${signature}`,
      `${header}.${encode([1, 2])}.${signature}`,
      `${header}.${Buffer.from("{oops").toString("base64url")}.${signature}`,
    ];
    for (const token of notJwt) {
      expect(await failureOf(clocked.verifyUser(token))).toBe("token_invalid: token is not a JWT");
    }
    const notValid = [
      `${header}!.${payload}.${signature}`,
      `${Buffer.from("{oops").toString("base64url")}.${payload}.${signature}`,
      `${header}.${payload}.${signature}/`,
    ];
    for (const token of notValid) {
      expect(await failureOf(clocked.verifyUser(token))).toBe("token_invalid: token is not valid");
    }
  });

  it("refuses a payload changed after signing", async () => {
    const clocked = new TokenVerifier(
      async () => [SECRET],
      () => NOW,
    );
    const [header, , signature] = rawToken(HS256, CLAIMS).split(".");
    const tampered = `${header}.${encode({ ...CLAIMS, sub: "admin" })}.${signature}`;
    expect(await failureOf(clocked.verifyUser(tampered))).toBe(
      "token_invalid: token signature does not match the platform secret",
    );
  });

  it("accepts aud as an array that contains the audience and refuses one that does not", async () => {
    const clocked = new TokenVerifier(
      async () => [SECRET],
      () => NOW,
    );
    const inList = rawToken(HS256, { ...CLAIMS, aud: ["elsewhere", USER_AUDIENCE] });
    const notInList = rawToken(HS256, { ...CLAIMS, aud: ["elsewhere", VIEWER_AUDIENCE] });
    expect(await failureOf(clocked.verifyUser(inList))).toBe("ok");
    expect(await failureOf(clocked.verifyUser(notInList))).toBe(
      'token_invalid: token claim "aud" is not valid: check_failed',
    );
  });

  it("refuses a token whose nbf is still to come, and accepts it from that second on", async () => {
    let now = NOW;
    const clocked = new TokenVerifier(
      async () => [SECRET],
      () => now,
    );
    const token = rawToken(HS256, { ...CLAIMS, nbf: NOW_S + 10 });
    expect(await failureOf(clocked.verifyUser(token))).toBe(
      'token_invalid: token claim "nbf" is not valid: check_failed',
    );
    now += 10_000;
    expect(await failureOf(clocked.verifyUser(token))).toBe("ok");
  });

  it("names the claim that is missing or of the wrong type", async () => {
    const clocked = new TokenVerifier(
      async () => [SECRET],
      () => NOW,
    );
    const { exp: _exp, ...withoutExp } = CLAIMS;
    const { sub: _sub, ...withoutSub } = CLAIMS;
    const cases: Array<[object, string]> = [
      [withoutExp, 'token claim "exp" is not valid: missing'],
      [withoutSub, 'token claim "sub" is not valid: missing'],
      [{ ...CLAIMS, exp: String(NOW_S + 60) }, 'token claim "exp" is not valid: invalid'],
      [{ ...CLAIMS, iat: "today" }, 'token claim "iat" is not valid: invalid'],
      [{ ...CLAIMS, exp: NOW_S }, "token has expired"],
    ];
    for (const [claims, message] of cases) {
      expect(await failureOf(clocked.verifyUser(rawToken(HS256, claims)))).toContain(message);
    }
  });
});

describe("TokenVerifier on an unknown platform", () => {
  const lookups: string[] = [];
  const verifier = new TokenVerifier(
    async (platform, recheck) => {
      lookups.push(`${platform}${recheck ? " (recheck)" : ""}`);
      return platform === "default" ? [SECRET] : null;
    },
    () => NOW,
  );

  it("answers as for a bad signature, after the same lookups and HMAC work", async () => {
    const badSignature = rawToken(HS256, CLAIMS, "not-the-secret-xx");
    const unknownPlatform = rawToken(HS256, { ...CLAIMS, plat: "acme" }, "not-the-secret-xx");
    const signedForIt = rawToken(HS256, { ...CLAIMS, plat: "acme" });
    const answers: string[] = [];
    const hmacs: number[] = [];
    for (const token of [badSignature, unknownPlatform, signedForIt]) {
      lookups.length = 0;
      hmacCalls.count = 0;
      answers.push(await failureOf(verifier.verifyUser(token)));
      hmacs.push(hmacCalls.count);
      expect(lookups.map((name) => name.replace(/^acme/, "default"))).toEqual([
        "default",
        "default (recheck)",
      ]);
    }
    expect(new Set(answers)).toEqual(
      new Set(["token_invalid: token signature does not match the platform secret"]),
    );
    expect(hmacs).toEqual([1, 1, 1]);
  });

  it("accepts a platform created since it was last looked up, on the recheck", async () => {
    let isCreated = false;
    const creating = new TokenVerifier(
      async (platform, recheck) => (platform === "acme" && recheck && isCreated ? [SECRET] : null),
      () => NOW,
    );
    const token = rawToken(HS256, { ...CLAIMS, plat: "acme" });
    expect(await failureOf(creating.verifyUser(token))).toContain("does not match");
    isCreated = true;
    expect((await creating.verifyUser(token)).platform).toBe("acme");
  });
});
