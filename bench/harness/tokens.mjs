// Signs the JWTs a host platform would: user tokens for trackers, viewer tokens for dashboards.
import { SignJWT } from "jose";

/**
 * @param {string} secret
 * @param {string} sub
 * @param {{ name?: string, email?: string, role?: string }} [claims]
 */
export function signUserToken(secret, sub, claims = {}) {
  return new SignJWT({
    name: claims.name ?? `Bench user ${sub}`,
    email: claims.email ?? `${sub}@bench.example`,
    role: claims.role ?? "Learner",
  })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(sub)
    .setAudience("rollcall:track")
    .setIssuedAt()
    .setExpirationTime("2h")
    .sign(new TextEncoder().encode(secret));
}

/** @param {string} secret */
export function signViewerToken(secret, role = "owner") {
  return new SignJWT({ role, name: "Bench viewer" })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(`bench-${role}`)
    .setAudience("rollcall:view")
    .setIssuedAt()
    .setExpirationTime("2h")
    .sign(new TextEncoder().encode(secret));
}
