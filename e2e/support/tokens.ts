// Tokens as a host platform's backend signs them (DESIGN.md "Tokens"): HS256 with the platform secret.
import { SignJWT } from "jose";

export interface PlatformUser {
  id: string;
  name: string;
  email: string;
  role: string;
}

export type ViewerRole = "owner" | "admin" | "instructor";

const encoder = new TextEncoder();

function expiresAt(ttlSeconds: number): number {
  return Math.floor(Date.now() / 1000) + ttlSeconds;
}

/** A tracker token: `aud: "rollcall:track"`, the user's id in `sub`, name, email and role. */
export function signUserToken(
  secret: string,
  user: PlatformUser,
  ttlSeconds = 3600,
): Promise<string> {
  return new SignJWT({ name: user.name, email: user.email, role: user.role })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(user.id)
    .setAudience("rollcall:track")
    .setIssuedAt()
    .setExpirationTime(expiresAt(ttlSeconds))
    .sign(encoder.encode(secret));
}

/** A viewer token for the API and /embed: `aud: "rollcall:view"`, `sub` and `role`. */
export function signViewerToken(
  secret: string,
  viewer: { id: string; role: ViewerRole; apps?: string[] },
  ttlSeconds = 3600,
): Promise<string> {
  return new SignJWT({ role: viewer.role, ...(viewer.apps ? { apps: viewer.apps } : {}) })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(viewer.id)
    .setAudience("rollcall:view")
    .setIssuedAt()
    .setExpirationTime(expiresAt(ttlSeconds))
    .sign(encoder.encode(secret));
}
