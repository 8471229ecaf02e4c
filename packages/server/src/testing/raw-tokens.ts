// Tokens signed by hand, which jose would not make (any header, any claims, any time), at a
// fixed now, and the failure a verification ends in: for the token verifier's tests.
import { createHmac } from "node:crypto";
import { USER_AUDIENCE } from "@rollcall/protocol";
import { AppError } from "../errors/app-error.js";

export const SECRET = "s3cret-s3cret-s3cret";

/** A fixed now (ms), and the same in JWT seconds. */
export const NOW = Date.UTC(2026, 0, 15, 9, 30, 0);
export const NOW_S = NOW / 1000;

export const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
export const HS256 = { alg: "HS256", typ: "JWT" };
/** A user token's claims, a minute from its end. */
export const CLAIMS = { sub: "u1", aud: USER_AUDIENCE, iat: NOW_S, exp: NOW_S + 60 };

/** Signs header and payload as given. */
export function rawToken(header: object, payload: object, secret = SECRET): string {
  return signedAs(`${encode(header)}.${encode(payload)}`, secret);
}

/** `header.payload` as given, with its HS256 signature. */
export function signedAs(signed: string, secret = SECRET): string {
  return `${signed}.${createHmac("sha256", secret).update(signed).digest("base64url")}`;
}

/** The failure a verification ends in, as `code: message`, or "ok". */
export async function failureOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "ok";
  } catch (error) {
    return error instanceof AppError ? `${error.code}: ${error.message}` : `crash: ${error}`;
  }
}
