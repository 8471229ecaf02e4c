import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { AppError } from "../http/app-error.js";
import { signUserToken, signViewerToken } from "./token-signer.js";
import { TokenVerifier } from "./token-verifier.js";

const SECRET = "s3cret-s3cret-s3cret";
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
