// Operators signing in through the organisation's identity provider: OpenID Connect's
// authorization code flow with PKCE (openid-client), and who gets which role.
import { DEFAULT_PLATFORM, type Viewer } from "@rollcall/protocol";
import * as client from "openid-client";
import type { OidcConfig } from "../config/oidc-config.js";
import { AppError } from "../errors/app-error.js";

/** What the browser keeps (in a short-lived cookie) between leaving and coming back. */
export interface PendingSignIn {
  state: string;
  nonce: string;
  verifier: string;
  next: string;
}

/** Why a sign-in that came back did not end in a session; the login page words each. */
export type SignInFailure = "refused" | "failed" | "expired" | "cancelled";

export class SignInRefused extends Error {
  override name = "SignInRefused";
  constructor(
    readonly failure: SignInFailure,
    message: string,
  ) {
    super(message);
  }
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

export class OidcSignIn {
  private configuration: Promise<client.Configuration> | null = null;

  constructor(private readonly settings: OidcConfig) {}

  get name(): string {
    return this.settings.name;
  }

  get redirectUri(): string {
    return `${this.settings.publicUrl}/auth/oidc/callback`;
  }

  /** Where to send the browser, and what it must bring back. */
  async start(next: string): Promise<{ location: string; pending: PendingSignIn }> {
    const config = await this.discovered();
    const pending: PendingSignIn = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      verifier: client.randomPKCECodeVerifier(),
      next,
    };
    const location = client.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri,
      scope: this.settings.scopes,
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(pending.verifier),
      code_challenge_method: "S256",
    });
    return { location: location.href, pending };
  }

  /**
   * The provider sent the browser back to `callbackUrl`: the code is exchanged (state, nonce and
   * PKCE checked by openid-client) and the person's claims decide their role, if any.
   */
  async finish(callbackUrl: URL, pending: PendingSignIn | null): Promise<Viewer> {
    const providerError = callbackUrl.searchParams.get("error");
    if (providerError) {
      throw new SignInRefused("cancelled", `the identity provider answered ${providerError}`);
    }
    if (!pending) throw new SignInRefused("expired", "no sign-in was waiting (cookie missing)");
    const config = await this.discovered();
    // The provider calls back on the public address; the request reached us on its own.
    const current = new URL(this.redirectUri);
    current.search = callbackUrl.search;
    let claims: Record<string, unknown>;
    try {
      const tokens = await client.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      claims = { ...(tokens.claims() ?? {}) };
      if (claims.email === undefined || claims[this.settings.groupsClaim] === undefined) {
        const info = await client.fetchUserInfo(config, tokens.access_token, String(claims.sub));
        claims = { ...info, ...claims };
      }
    } catch (error) {
      if (error instanceof SignInRefused) throw error;
      throw new SignInRefused("failed", error instanceof Error ? error.message : String(error));
    }
    return this.viewerOf(claims);
  }

  private viewerOf(claims: Record<string, unknown>): Viewer {
    const email = typeof claims.email === "string" ? claims.email.toLowerCase() : null;
    const role = this.roleOf(claims, email);
    const who = email ?? String(claims.sub);
    if (!role) throw new SignInRefused("refused", `${who} is not allowed into Rollcall`);
    const name = [claims.name, claims.preferred_username, email, claims.sub].find(
      (value): value is string => typeof value === "string" && value.length > 0,
    );
    return {
      id: (email ?? `oidc:${String(claims.sub)}`).slice(0, 320),
      name: (name ?? who).slice(0, 200),
      platform: DEFAULT_PLATFORM,
      role,
      apps: null,
    };
  }

  /** Owner or admin by group first, then by a verified email's domain; null: not allowed. */
  private roleOf(claims: Record<string, unknown>, email: string | null): "owner" | "admin" | null {
    const raw = claims[this.settings.groupsClaim];
    const groups = Array.isArray(raw) ? raw.map(String) : typeof raw === "string" ? [raw] : [];
    if (groups.some((group) => this.settings.ownerGroups.includes(group))) return "owner";
    if (groups.some((group) => this.settings.adminGroups.includes(group))) return "admin";
    const domain = email?.split("@")[1];
    const isVerified = claims.email_verified !== false;
    if (domain && isVerified && this.settings.allowedDomains.includes(domain)) {
      return this.settings.domainRole;
    }
    return null;
  }

  /** The provider's metadata, read once (again after a failure). */
  private discovered(): Promise<client.Configuration> {
    this.configuration ??= this.discover().catch((error: unknown) => {
      this.configuration = null;
      throw new AppError(
        "unavailable",
        `the identity provider cannot be reached: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
    return this.configuration;
  }

  private async discover(): Promise<client.Configuration> {
    const issuer = new URL(this.settings.issuer);
    // Plain HTTP only for a provider on this machine (a test or a local development setup).
    const isLocal = issuer.protocol === "http:" && LOOPBACK.has(issuer.hostname);
    const secret = this.settings.clientSecret;
    return client.discovery(
      issuer,
      this.settings.clientId,
      undefined,
      // client_secret_basic: what OpenID Connect and the common providers take by default.
      secret ? client.ClientSecretBasic(secret) : client.None(),
      isLocal ? { execute: [client.allowInsecureRequests] } : undefined,
    );
  }
}
