// Single sign-on for operators: /auth/oidc/start sends the browser to the identity provider,
// /auth/oidc/callback brings it back signed in (or to the login page saying why not); and
// GET /api/v1/auth/methods tells the login page which ways in there are.
import type { Logger } from "pino";
import { z } from "zod";
import type { AddressLimiter } from "../../auth/address-limiter.js";
import { type OidcSignIn, type PendingSignIn, SignInRefused } from "../../auth/oidc-sign-in.js";
import { parseCookies } from "../../auth/session-cookie.js";
import type { ViewerAuth } from "../../auth/viewer-auth.js";
import { AppError } from "../../errors/app-error.js";
import type { ClientOrigin } from "../client-origin.js";
import { redirect, sendJson } from "../http-io.js";
import type { RequestContext, Router } from "../router.js";
import { safeNext } from "./auth-routes.js";

export interface OidcRoutesDeps {
  /** Null: no single sign-on configured. */
  oidc: OidcSignIn | null;
  isPasswordSignInOn: boolean;
  auth: ViewerAuth;
  origin: ClientOrigin;
  /** The password form's budget of attempts per address: each start and callback is one. */
  limiter: AddressLimiter;
  logger: Logger;
}

const PENDING_COOKIE = "rollcall_oidc";
/** How long a sign-in may take at the provider. */
const PENDING_SECONDS = 600;

const pendingSchema = z.object({
  state: z.string().min(1).max(256),
  nonce: z.string().min(1).max(256),
  verifier: z.string().min(43).max(128),
  next: z.string().max(2048),
});

/** GET /api/v1/auth/methods: what the login page offers. */
export const authMethodsSchema = z.object({
  password: z.boolean().describe("The email and password form (ROLLCALL_PASSWORD_SIGN_IN)"),
  oidc: z
    .object({ name: z.string(), start: z.string() })
    .nullable()
    .describe("Single sign-on (ROLLCALL_OIDC_*): its button's name and where it starts"),
});

function pendingCookie(value: string, maxAge: number, isHttps: boolean): string {
  const parts = [
    `${PENDING_COOKIE}=${value}`,
    "Path=/auth/oidc",
    "HttpOnly",
    // Lax: the provider's redirect back is a top-level navigation, which carries it.
    "SameSite=Lax",
    `Max-Age=${maxAge}`,
  ];
  if (isHttps) parts.push("Secure");
  return parts.join("; ");
}

function readPending(cookieHeader: string | undefined): PendingSignIn | null {
  const raw = parseCookies(cookieHeader)[PENDING_COOKIE];
  if (!raw || raw.length > 2048) return null;
  try {
    const parsed = pendingSchema.safeParse(
      JSON.parse(Buffer.from(raw, "base64url").toString("utf8")),
    );
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function addOidcRoutes(router: Router, deps: OidcRoutesDeps): void {
  router.on("GET", "/api/v1/auth/methods", ({ res }) => {
    const body: z.infer<typeof authMethodsSchema> = {
      password: deps.isPasswordSignInOn,
      oidc: deps.oidc ? { name: deps.oidc.name, start: "/auth/oidc/start" } : null,
    };
    sendJson(res, 200, body);
  });

  const oidc = deps.oidc;
  if (!oidc) return;

  /** Each leg costs a request to the identity provider: bounded per address like a password. */
  const spend = ({ req, res }: RequestContext) => {
    const wait = deps.limiter.hit(deps.origin.addressOf(req));
    if (wait > 0) {
      res.setHeader("retry-after", String(wait));
      throw new AppError("rate_limited", `too many sign-in attempts; try again in ${wait} s`);
    }
  };

  router.on("GET", "/auth/oidc/start", async (ctx) => {
    const { req, res, url } = ctx;
    spend(ctx);
    let started: Awaited<ReturnType<OidcSignIn["start"]>>;
    try {
      started = await oidc.start(safeNext(url.searchParams.get("next")));
    } catch (error) {
      // A person clicked a button: they get the login page saying so, not a JSON error.
      deps.logger.warn({ err: error }, "single sign-on could not start");
      redirect(res, "/login?sso=unavailable");
      return;
    }
    const { location, pending } = started;
    const value = Buffer.from(JSON.stringify(pending)).toString("base64url");
    res.setHeader("set-cookie", pendingCookie(value, PENDING_SECONDS, deps.origin.isHttps(req)));
    redirect(res, location);
  });

  router.on("GET", "/auth/oidc/callback", async (ctx) => {
    const { req, res, url } = ctx;
    spend(ctx);
    const isHttps = deps.origin.isHttps(req);
    const pending = readPending(req.headers.cookie);
    const cleared = pendingCookie("", 0, isHttps);
    try {
      const viewer = await oidc.finish(url, pending);
      res.setHeader("set-cookie", [cleared, await deps.auth.startSession(viewer, isHttps)]);
      deps.logger.info({ operator: viewer.id, role: viewer.role }, "operator signed in (SSO)");
      redirect(res, safeNext(pending?.next ?? "/"));
    } catch (error) {
      if (!(error instanceof SignInRefused)) throw error;
      deps.logger.warn({ reason: error.message }, `single sign-on ${error.failure}`);
      res.setHeader("set-cookie", cleared);
      redirect(res, `/login?sso=${error.failure}`);
    }
  });
}
