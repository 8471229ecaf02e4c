// Who is viewing: a viewer token (Bearer), or a session cookie from /embed or the login page.
import { createHash, randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { DEFAULT_PLATFORM, type Viewer, WIRE_LIMITS } from "@rollcall/protocol";
import { AppError } from "../errors/app-error.js";
import type { Storage } from "../storage/storage.js";
import { UNKNOWN_OPERATOR_HASH, verifyPassword } from "./passwords.js";
import {
  type CookieSameSite,
  parseCookies,
  SESSION_COOKIE,
  sessionCookie,
} from "./session-cookie.js";
import type { TokenVerifier } from "./token-verifier.js";

/** Header a cookie-authenticated request must carry to change state (CSRF defence). */
export const CSRF_HEADER = "x-rollcall-csrf";

export interface ViewerAuthOptions {
  /**
   * How long a session lasts (ROLLCALL_VIEWER_SESSION_SECONDS), from its start and whatever the
   * token it was exchanged for: /embed's token sits in a URL, so it should be short-lived, while
   * the dashboard it opens is used for hours. Revocation (`rollcall session revoke`) ends it sooner.
   */
  sessionTtlMs: number;
  /** SameSite of the session cookie (ROLLCALL_COOKIE_SAMESITE). */
  sameSite: CookieSameSite;
  clock: () => number;
}

export interface AuthenticatedViewer {
  viewer: Viewer;
  via: "token" | "cookie";
}

/** The part of storage viewer sign-in uses. */
export type ViewerAuthStorage = Pick<
  Storage,
  "getOperator" | "saveViewerSession" | "getViewerSession" | "deleteViewerSession"
>;

export class ViewerAuth {
  constructor(
    private readonly storage: ViewerAuthStorage,
    private readonly verifier: TokenVerifier,
    private readonly options: ViewerAuthOptions,
  ) {}

  /** The viewer of a request, or null when it carries no credentials; throws on bad ones. */
  async identify(req: IncomingMessage): Promise<AuthenticatedViewer | null> {
    const header = req.headers.authorization;
    if (header) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match)
        throw new AppError("unauthorized", "Authorization must be 'Bearer <viewer token>'");
      const token = match[1]!;
      if (token.length > WIRE_LIMITS.tokenLength) {
        throw new AppError(
          "unauthorized",
          `viewer token is over ${WIRE_LIMITS.tokenLength} characters`,
        );
      }
      return { viewer: await this.verifier.verifyViewer(token), via: "token" };
    }
    const cookie = parseCookies(req.headers.cookie)[SESSION_COOKIE];
    if (!cookie) return null;
    const session = await this.storage.getViewerSession(hashId(cookie), this.options.clock());
    return session ? { viewer: session.viewer, via: "cookie" } : null;
  }

  /**
   * Like identify(), but a request without a viewer is refused; state changes need the CSRF header.
   * The header, not SameSite, is the CSRF defence (so it holds with ROLLCALL_COOKIE_SAMESITE=none):
   * another site can only add a custom header after a CORS preflight, and Rollcall grants none
   * with credentials.
   */
  async require(req: IncomingMessage): Promise<Viewer> {
    const found = await this.identify(req);
    if (!found) throw new AppError("unauthorized", "sign in, or send a viewer token");
    const isSafe = req.method === "GET" || req.method === "HEAD";
    if (found.via === "cookie" && !isSafe && !req.headers[CSRF_HEADER]) {
      throw new AppError("csrf", `requests made with the session cookie must send ${CSRF_HEADER}`);
    }
    return found.viewer;
  }

  /** Starts a cookie session; returns the Set-Cookie header value. */
  async startSession(viewer: Viewer, isHttps: boolean): Promise<string> {
    const id = randomBytes(32).toString("base64url");
    const expiresAt = this.options.clock() + this.options.sessionTtlMs;
    await this.storage.saveViewerSession({ idHash: hashId(id), viewer, expiresAt });
    const maxAge = Math.floor(this.options.sessionTtlMs / 1000);
    return sessionCookie(id, maxAge, { sameSite: this.options.sameSite, isHttps });
  }

  /**
   * Ends the request's session in the database, so the cookie is refused even if it is kept or
   * replayed; returns a Set-Cookie value that clears it in the browser.
   */
  async endSession(req: IncomingMessage, isHttps: boolean): Promise<string> {
    const cookie = parseCookies(req.headers.cookie)[SESSION_COOKIE];
    if (cookie) await this.storage.deleteViewerSession(hashId(cookie));
    return sessionCookie("", 0, { sameSite: this.options.sameSite, isHttps });
  }

  /** Operators sign in with email and password; they own the default platform. */
  async login(email: string, password: string): Promise<Viewer> {
    const operator = await this.storage.getOperator(email.trim().toLowerCase());
    // An unknown email costs the same scrypt as a known one: the time taken tells nothing.
    const isMatch = await verifyPassword(password, operator?.passwordHash ?? UNKNOWN_OPERATOR_HASH);
    if (!operator || !isMatch) {
      throw new AppError("unauthorized", "email or password is wrong");
    }
    return {
      id: operator.email,
      name: operator.name,
      platform: DEFAULT_PLATFORM,
      role: "owner",
      apps: null,
    };
  }
}

function hashId(id: string): string {
  return createHash("sha256").update(id).digest("hex");
}
