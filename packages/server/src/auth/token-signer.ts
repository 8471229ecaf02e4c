// Signs user and viewer tokens, as a host platform's backend would (used by the CLI and tests).
import {
  USER_AUDIENCE,
  type UserClaims,
  VIEWER_AUDIENCE,
  type ViewerClaims,
} from "@rollcall/protocol";
import { SignJWT } from "jose";

export interface SignOptions {
  secret: string;
  /** Lifetime in seconds. */
  ttlSeconds: number;
  now?: number;
}

export function signUserToken(claims: UserClaims, options: SignOptions): Promise<string> {
  return sign({ ...claims }, USER_AUDIENCE, options);
}

export function signViewerToken(claims: ViewerClaims, options: SignOptions): Promise<string> {
  return sign({ ...claims }, VIEWER_AUDIENCE, options);
}

function sign(
  claims: Record<string, unknown>,
  audience: string,
  { secret, ttlSeconds, now = Date.now() }: SignOptions,
): Promise<string> {
  const issuedAt = Math.floor(now / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setAudience(audience)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + ttlSeconds)
    .sign(new TextEncoder().encode(secret));
}
