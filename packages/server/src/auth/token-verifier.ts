// Verifies user and viewer JWTs (HS256) against the signing secrets of the platform they name.
import {
  createHmac,
  createSecretKey,
  type KeyObject,
  randomBytes,
  timingSafeEqual,
} from "node:crypto";
import {
  DEFAULT_PLATFORM,
  USER_AUDIENCE,
  type UserClaims,
  userClaimsSchema,
  VIEWER_AUDIENCE,
  type Viewer,
  viewerClaimsSchema,
} from "@rollcall/protocol";
import { AppError, describeIssues } from "../errors/app-error.js";

/**
 * Looks up a platform's current secrets (two during a rotation); `recheck` asks for a fresh
 * read when a signature matched none of them.
 */
export type SecretsLookup = (platform: string, recheck?: boolean) => Promise<string[] | null>;

export interface VerifiedUser {
  platform: string;
  claims: UserClaims;
  /** When the token expires, ms since the epoch (its `exp`). */
  expiresAt: number;
}

interface VerifiedToken {
  platform: string;
  payload: Record<string, unknown>;
}

/** A token whose signature has been checked; its secret and times are checked again on each use. */
interface CachedToken extends VerifiedToken {
  audience: string;
  secret: string;
}

/** Enough for every open tab of a large platform; a flood of distinct tokens only evicts. */
const MAX_CACHED_TOKENS = 10_000;

/** ROLLCALL_MAX_TOKEN_SECONDS's default (config.ts holds the setting; a test keeps them equal). */
export const DEFAULT_MAX_TOKEN_SECONDS = 86_400;

/**
 * How far the signer's clock may run ahead of ours: a token signed for exactly the longest
 * lifetime by a backend whose clock is a little fast is still accepted. `exp − iat` has no clock
 * in it and gets no allowance.
 */
export const TOKEN_CLOCK_SKEW_SECONDS = 60;

/**
 * Stands in for the secret of a platform that does not exist, so that a token naming one costs
 * the same HMAC and fails with the same error as a bad signature: the answer does not tell which
 * platform ids exist. Random per process: nothing can be signed with it.
 */
const UNKNOWN_PLATFORM_SECRET = randomBytes(32).toString("base64url");

/** The same words for a bad signature and an unknown platform. */
const SIGNATURE_MISMATCH = "token signature does not match the platform secret";

export interface TokenVerifierOptions {
  /** Tokens whose `exp` is further than this from now, or from their `iat`, are refused. */
  maxLifetimeSeconds?: number;
}

export class TokenVerifier {
  /** Imported once per secret: importing an HMAC key per token was a measurable share of CPU. */
  private readonly keys = new Map<string, KeyObject>();
  /** Token → what it verified to: an HTTP tab or a viewer presents the same token on every request. */
  private readonly verified = new Map<string, CachedToken>();

  private readonly maxLifetimeSeconds: number;

  constructor(
    private readonly secretsOf: SecretsLookup,
    private readonly clock: () => number = Date.now,
    { maxLifetimeSeconds = DEFAULT_MAX_TOKEN_SECONDS }: TokenVerifierOptions = {},
  ) {
    this.maxLifetimeSeconds = maxLifetimeSeconds;
  }

  /**
   * `isRepeated: false` for a token seen once per connection (a WebSocket hello): it is not
   * cached, where 20,000 open tabs' tokens would take about 10 MB and never be asked for again.
   */
  async verifyUser(token: string, { isRepeated = true } = {}): Promise<VerifiedUser> {
    const { platform, payload } = await this.verify(token, USER_AUDIENCE, isRepeated);
    const claims = userClaimsSchema.safeParse(payload);
    if (!claims.success) {
      throw new AppError("token_invalid", `user token: ${describeIssues(claims.error.issues)}`);
    }
    // checkTimes has made sure `exp` is a number.
    return { platform, claims: claims.data, expiresAt: (payload.exp as number) * 1000 };
  }

  async verifyViewer(token: string): Promise<Viewer> {
    const { platform, payload } = await this.verify(token, VIEWER_AUDIENCE, true);
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
    isRepeated: boolean,
  ): Promise<VerifiedToken> {
    const cached = this.verified.get(token);
    if (cached?.audience === audience) {
      // A secret dropped by a rotation stops its tokens as soon as the lookup stops returning it.
      if ((await this.secretsOf(cached.platform))?.includes(cached.secret)) {
        checkTimes(cached.payload, this.nowSeconds());
        return { platform: cached.platform, payload: cached.payload };
      }
      this.verified.delete(token);
    }

    const parts = token.split(".");
    const [header = "", body = "", encodedSignature = ""] = parts;
    const payload = parts.length === 3 ? decodeJsonObject(body) : null;
    if (!payload) throw new AppError("token_invalid", "token is not a JWT");
    const platform = typeof payload.plat === "string" ? payload.plat : DEFAULT_PLATFORM;
    // An unknown platform goes the same way as a known one, against a secret nobody has.
    const known = (await this.secretsOf(platform)) ?? [];
    const secrets = known.length > 0 ? known : [UNKNOWN_PLATFORM_SECRET];
    const isPayloadEncoded = checkHeader(decodeJsonObject(header));
    const signature = decodeBase64url(encodedSignature);
    if (!signature) throw new AppError("token_invalid", "token is not valid");
    const signed = `${header}.${body}`;
    let secret = this.secretThatSigned(signed, signature, secrets);
    if (secret === null) {
      // Signed with a secret added since the cache was filled (`rollcall platform rotate-secret`),
      // or for a platform created since?
      const fresh = (await this.secretsOf(platform, true)) ?? [];
      const added = fresh.filter((candidate) => !known.includes(candidate));
      secret = this.secretThatSigned(signed, signature, added);
    }
    if (secret === null || secret === UNKNOWN_PLATFORM_SECRET) {
      throw new AppError("token_invalid", SIGNATURE_MISMATCH);
    }
    // RFC 7797 unencoded payloads pass the signature check but are no JWT (jose refuses them too).
    if (!isPayloadEncoded) throw new AppError("token_invalid", "token is not valid");
    checkClaims(payload, audience, this.nowSeconds());
    // Only at first sight: the time left before `exp` only shrinks, so a cached token stays within.
    checkLifetime(payload, this.nowSeconds(), this.maxLifetimeSeconds);
    if (isRepeated) this.remember(token, { platform, payload, audience, secret });
    return { platform, payload };
  }

  private secretThatSigned(signed: string, signature: Buffer, secrets: string[]): string | null {
    for (const secret of secrets) {
      const expected = createHmac("sha256", this.keyFor(secret)).update(signed).digest();
      if (expected.length === signature.length && timingSafeEqual(expected, signature)) {
        return secret;
      }
    }
    return null;
  }

  private remember(token: string, entry: CachedToken): void {
    if (this.verified.size >= MAX_CACHED_TOKENS && !this.verified.has(token)) {
      // A Map iterates in insertion order, so its first key is the oldest entry.
      const oldest = this.verified.keys().next();
      if (!oldest.done) this.verified.delete(oldest.value);
    }
    this.verified.set(token, entry);
  }

  /** JWT times are whole seconds; comparing with the floor of now is what jose does. */
  private nowSeconds(): number {
    return Math.floor(this.clock() / 1000);
  }
}

/**
 * The header rules jose applied, in its order, so each bad token keeps the code and text it had.
 * Returns whether the payload is base64url-encoded, which only RFC 7797's `b64: false` turns off.
 */
function checkHeader(header: Record<string, unknown> | null): boolean {
  if (!header) throw new AppError("token_invalid", "token is not valid");
  let isPayloadEncoded = true;
  if (header.crit !== undefined) {
    // "b64" is the one critical extension jose knows; any other must be refused.
    const { crit } = header;
    if (!Array.isArray(crit) || crit.length === 0 || crit.some((name) => name !== "b64")) {
      throw new AppError("token_invalid", "token is not valid");
    }
    if (typeof header.b64 !== "boolean") throw new AppError("token_invalid", "token is not valid");
    isPayloadEncoded = header.b64;
  }
  if (typeof header.alg !== "string" || header.alg === "") {
    throw new AppError("token_invalid", "token is not valid");
  }
  if (header.alg !== "HS256")
    throw new AppError("token_invalid", "token must be signed with HS256");
  return isPayloadEncoded;
}

/** The registered claims, checked as jose's `jwtVerify` does with `requiredClaims: ["exp", "sub"]`. */
function checkClaims(payload: Record<string, unknown>, audience: string, now: number): void {
  for (const claim of ["aud", "sub", "exp"]) {
    if (!Object.hasOwn(payload, claim)) throw claimError(claim, "missing");
  }
  const { aud } = payload;
  if (aud !== audience && !(Array.isArray(aud) && aud.includes(audience))) {
    throw claimError("aud", "check_failed");
  }
  checkTimes(payload, now);
}

/**
 * `iat`, `nbf` and `exp`, with no clock tolerance: a token is expired from its `exp` second on.
 * Each must be a finite number (JSON's `1e400` parses to Infinity).
 */
function checkTimes(payload: Record<string, unknown>, now: number): void {
  const { iat, nbf, exp } = payload;
  if (iat !== undefined && !isFiniteNumber(iat)) throw claimError("iat", "invalid");
  if (nbf !== undefined && !isFiniteNumber(nbf)) throw claimError("nbf", "invalid");
  if (nbf !== undefined && nbf > now) throw claimError("nbf", "check_failed");
  if (!isFiniteNumber(exp)) throw claimError("exp", "invalid");
  if (exp <= now) throw new AppError("token_expired", "token has expired");
}

/**
 * The longest lifetime (ROLLCALL_MAX_TOKEN_SECONDS): `exp` no further than that from now (plus
 * the signer's clock skew), nor from `iat` when the token has one. A leaked token is good for a
 * bounded time whatever its signer wrote, and `exp: 1e308` never reaches a timer or a date.
 */
function checkLifetime(payload: Record<string, unknown>, now: number, max: number): void {
  const { iat, exp } = payload;
  // checkTimes has made sure both are finite numbers when present.
  if ((exp as number) - now > max + TOKEN_CLOCK_SKEW_SECONDS) {
    throw new AppError(
      "token_invalid",
      `token claim "exp" is more than ${max} s away: the longest token lifetime allowed is ${max} s`,
    );
  }
  if (typeof iat === "number" && (exp as number) - iat > max) {
    throw new AppError("token_invalid", `token lifetime (exp - iat) is over the ${max} s allowed`);
  }
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

function claimError(claim: string, reason: "missing" | "check_failed" | "invalid"): AppError {
  return new AppError("token_invalid", `token claim "${claim}" is not valid: ${reason}`);
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** A base64url-encoded JSON object (a JWT's header or payload), or null. */
function decodeJsonObject(encoded: string): Record<string, unknown> | null {
  const bytes = decodeBase64url(encoded);
  if (!bytes) return null;
  let value: unknown;
  try {
    value = JSON.parse(strictUtf8.decode(bytes));
  } catch {
    return null;
  }
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

const BASE64URL_DIGITS = /^[\w-]*$/;

/**
 * Decodes base64url as jose does on Node 20 (WHATWG forgiving-base64: ASCII whitespace skipped,
 * "=" padding allowed), or null. Buffer alone would skip stray characters instead of refusing.
 */
function decodeBase64url(encoded: string): Buffer | null {
  let digits = encoded;
  if (!BASE64URL_DIGITS.test(digits)) {
    digits = digits.replace(/[\t\n\f\r ]/g, "");
    if (digits.length % 4 === 0) digits = digits.replace(/={1,2}$/, "");
    if (!BASE64URL_DIGITS.test(digits)) return null;
  }
  return digits.length % 4 === 1 ? null : Buffer.from(digits, "base64url");
}
