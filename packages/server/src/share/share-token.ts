// A share link's token: a JWT (HS256, jose) naming the link and its expiry, signed with the platform's secret.
import { randomBytes } from "node:crypto";
import { SHARE_AUDIENCE, SHARE_LINK_LIMITS } from "@rollcall/protocol";
import { decodeJwt, errors, jwtVerify, SignJWT } from "jose";
import type { SecretsLookup } from "../auth/token-verifier.js";
import { AppError } from "../errors/app-error.js";

/** What a verified token says: which link, of which platform. */
export interface ShareTokenClaims {
  platform: string;
  link: string;
}

/** Three base64url parts: anything else is refused before any decoding. */
const TOKEN_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;
const PLATFORM_ID = /^[\w.-]{1,64}$/;
const LINK_ID = /^[\w-]{16,64}$/;

/** Signs with nobody's key: a token naming an unknown platform costs the same and fails the same. */
const UNKNOWN_PLATFORM_KEY = randomBytes(32);

const INVALID =
  "this share link is not valid: it was cut short, changed, or made by another Rollcall";

export class ShareTokens {
  constructor(
    private readonly secretsOf: SecretsLookup,
    private readonly clock: () => number,
  ) {}

  /** Signed with the platform's newest secret; rotating it away (`--drop-old`) ends the link. */
  async sign(
    platform: string,
    link: string,
    createdAt: number,
    expiresAt: number,
  ): Promise<string> {
    const secret = (await this.secretsOf(platform))?.at(-1);
    if (!secret) throw new Error(`platform ${platform} has no signing secret`);
    return (
      new SignJWT({ plat: platform })
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setAudience(SHARE_AUDIENCE)
        .setSubject(link)
        // Times from the stored link: the same link always gets the same token.
        .setIssuedAt(Math.floor(createdAt / 1000))
        .setExpirationTime(Math.ceil(expiresAt / 1000))
        .sign(new TextEncoder().encode(secret))
    );
  }

  /**
   * Checks the signature, then the expiry, with no database read for a forged token (the
   * platform's secrets are cached). `share_link_invalid` (404) for anything not signed by
   * this Rollcall, `share_link_expired` (410) past its `exp`.
   */
  async verify(token: string): Promise<ShareTokenClaims> {
    if (token.length > SHARE_LINK_LIMITS.tokenLength || !TOKEN_SHAPE.test(token)) {
      throw new AppError("share_link_invalid", INVALID);
    }
    let platform: unknown;
    try {
      platform = decodeJwt(token).plat;
    } catch {
      throw new AppError("share_link_invalid", INVALID);
    }
    if (typeof platform !== "string" || !PLATFORM_ID.test(platform)) {
      throw new AppError("share_link_invalid", INVALID);
    }
    const secrets = (await this.secretsOf(platform)) ?? [];
    const keys =
      secrets.length > 0
        ? secrets.map((secret) => new TextEncoder().encode(secret))
        : [UNKNOWN_PLATFORM_KEY];
    for (const key of keys) {
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: ["HS256"],
          audience: SHARE_AUDIENCE,
          requiredClaims: ["sub", "exp"],
          currentDate: new Date(this.clock()),
        });
        if (typeof payload.sub !== "string" || !LINK_ID.test(payload.sub)) break;
        return { platform, link: payload.sub };
      } catch (error) {
        // jose checks the signature before the claims: an expired token was signed by us.
        if (error instanceof errors.JWTExpired) {
          throw new AppError("share_link_expired", "this share link has expired");
        }
        if (!(error instanceof errors.JWSSignatureVerificationFailed)) break;
      }
    }
    throw new AppError("share_link_invalid", INVALID);
  }
}
