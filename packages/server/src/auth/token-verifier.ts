// Verifies user and viewer JWTs (HS256) against the signing secrets of the platform they name.
import { createSecretKey, type KeyObject } from "node:crypto";
import {
  DEFAULT_PLATFORM,
  USER_AUDIENCE,
  type UserClaims,
  userClaimsSchema,
  VIEWER_AUDIENCE,
  type Viewer,
  viewerClaimsSchema,
} from "@rollcall/protocol";
import { decodeJwt, errors as joseErrors, jwtVerify } from "jose";
import { AppError, describeIssues } from "../http/app-error.js";

/**
 * Looks up a platform's current secrets (two during a rotation); `recheck` asks for a fresh
 * read when a signature matched none of them.
 */
export type SecretsLookup = (platform: string, recheck?: boolean) => Promise<string[] | null>;

export interface VerifiedUser {
  platform: string;
  claims: UserClaims;
}

export class TokenVerifier {
  /** Imported once per secret: importing an HMAC key per token was a measurable share of CPU. */
  private readonly keys = new Map<string, KeyObject>();

  constructor(private readonly secretsOf: SecretsLookup) {}

  async verifyUser(token: string): Promise<VerifiedUser> {
    const { platform, payload } = await this.verify(token, USER_AUDIENCE);
    const claims = userClaimsSchema.safeParse(payload);
    if (!claims.success) {
      throw new AppError("token_invalid", `user token: ${describeIssues(claims.error.issues)}`);
    }
    return { platform, claims: claims.data };
  }

  async verifyViewer(token: string): Promise<Viewer> {
    const { platform, payload } = await this.verify(token, VIEWER_AUDIENCE);
    const claims = viewerClaimsSchema.safeParse(payload);
    if (!claims.success) {
      throw new AppError("token_invalid", `viewer token: ${describeIssues(claims.error.issues)}`);
    }
    const c = claims.data;
    return {
      id: c.sub,
      name: c.name ?? c.sub,
      platform,
      role: c.role,
      apps: c.role === "instructor" ? (c.apps ?? []) : null,
    };
  }

  private keyFor(secret: string): KeyObject {
    let key = this.keys.get(secret);
    if (!key) {
      if (this.keys.size > 1_000) this.keys.clear();
      key = createSecretKey(Buffer.from(secret, "utf8"));
      this.keys.set(secret, key);
    }
    return key;
  }

  private async verify(
    token: string,
    audience: string,
  ): Promise<{ platform: string; payload: Record<string, unknown> }> {
    let platform = DEFAULT_PLATFORM;
    try {
      const unverified = decodeJwt(token);
      if (typeof unverified.plat === "string") platform = unverified.plat;
    } catch {
      throw new AppError("token_invalid", "token is not a JWT");
    }
    const secrets = await this.secretsOf(platform);
    if (!secrets || secrets.length === 0) {
      throw new AppError("token_invalid", `unknown platform "${platform.slice(0, 64)}"`);
    }
    try {
      return await this.verifyWith(token, audience, platform, secrets);
    } catch (error) {
      if (!(error instanceof joseErrors.JWSSignatureVerificationFailed)) throw toAppError(error);
      // Signed with a secret added since the cache was filled (`rollcall platform rotate-secret`)?
      const fresh = (await this.secretsOf(platform, true)) ?? [];
      const added = fresh.filter((secret) => !secrets.includes(secret));
      if (added.length === 0) throw toAppError(error);
      try {
        return await this.verifyWith(token, audience, platform, added);
      } catch (again) {
        throw toAppError(again);
      }
    }
  }

  /** Tries each secret; throws the last failure (jose's error) when none verifies. */
  private async verifyWith(
    token: string,
    audience: string,
    platform: string,
    secrets: string[],
  ): Promise<{ platform: string; payload: Record<string, unknown> }> {
    let lastError: unknown = null;
    for (const secret of secrets) {
      try {
        const { payload } = await jwtVerify(token, this.keyFor(secret), {
          algorithms: ["HS256"],
          audience,
          requiredClaims: ["exp", "sub"],
        });
        return { platform, payload: payload as Record<string, unknown> };
      } catch (error) {
        lastError = error;
        if (!(error instanceof joseErrors.JWSSignatureVerificationFailed)) break;
      }
    }
    throw lastError;
  }
}

function toAppError(error: unknown): AppError {
  if (error instanceof joseErrors.JWTExpired) {
    return new AppError("token_expired", "token has expired");
  }
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    return new AppError(
      "token_invalid",
      `token claim "${error.claim}" is not valid: ${error.reason}`,
    );
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) {
    return new AppError("token_invalid", "token signature does not match the platform secret");
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed) {
    return new AppError("token_invalid", "token must be signed with HS256");
  }
  return new AppError("token_invalid", "token is not valid");
}
