// Signing in: /embed?token=… for host platforms, email + password for operators, and /me.
import { type Viewer, viewerSchema, WIRE_LIMITS } from "@rollcall/protocol";
import { z } from "zod";
import type { AddressLimiter } from "../../auth/address-limiter.js";
import type { TokenVerifier } from "../../auth/token-verifier.js";
import { CSRF_HEADER, type ViewerAuth } from "../../auth/viewer-auth.js";
import { AppError, describeIssues, toAppError } from "../../errors/app-error.js";
import type { SendAppPage } from "../app-page.js";
import type { ClientOrigin } from "../client-origin.js";
import { readJson, redirect, sendJson } from "../http-io.js";
import { acceptsMediaType } from "../media-type.js";
import type { RequestContext, Router } from "../router.js";

export interface AuthRoutesDeps {
  auth: ViewerAuth;
  verifier: TokenVerifier;
  limiter: AddressLimiter;
  origin: ClientOrigin;
  /**
   * The dashboard page: a browser whose /embed link fails (expired, invalid) gets it with the
   * error's status and code, and the page explains what happened; API clients keep the JSON.
   */
  sendAppPage?: SendAppPage;
  /** False: the email and password form is switched off (ROLLCALL_PASSWORD_SIGN_IN). */
  isPasswordSignInOn?: boolean;
}

/** Largest sign-in body. */
export const LOGIN_BODY_BYTES = 16_384;

export const loginSchema = z.object({
  email: z.string().min(1).max(320),
  password: z.string().min(1).max(1024),
});

export const embedQuerySchema = z.object({
  token: z
    .string({ error: "required (a viewer token)" })
    .min(1, "required (a viewer token)")
    .max(WIRE_LIMITS.tokenLength, `at most ${WIRE_LIMITS.tokenLength} characters`)
    .describe("A viewer token"),
  next: z.string().optional().describe("Local page to open; anything else opens the dashboard"),
});

/** GET /api/v1/me */
export const meResponseSchema = z.object({ viewer: viewerSchema });

/** Where a sign-in (/embed, single sign-on) may send the viewer on: a local page path only. */
export function safeNext(value: string | null): string {
  if (value && /^\/(?!\/)[A-Za-z0-9/_\-?=&.%]*$/.test(value)) return value;
  return "/";
}

export function addAuthRoutes(router: Router, deps: AuthRoutesDeps): void {
  router.on("GET", "/embed", async (ctx) => {
    try {
      await embed(ctx);
    } catch (error) {
      const failure = toAppError(error);
      if (!failure || !deps.sendAppPage || !acceptsMediaType(ctx.req.headers.accept, "text/html")) {
        throw error;
      }
      deps.sendAppPage(ctx.res, failure.status, failure.code);
    }
  });

  const embed = async ({ req, res, url }: RequestContext) => {
    const parsed = embedQuerySchema.safeParse(Object.fromEntries(url.searchParams));
    if (!parsed.success) {
      throw new AppError("bad_request", describeIssues(parsed.error.issues, "query"));
    }
    const viewer = await deps.verifier.verifyViewer(parsed.data.token);
    const cookie = await deps.auth.startSession(viewer, deps.origin.isHttps(req));
    res.setHeader("set-cookie", cookie);
    const fallback = viewer.role === "instructor" ? "/analytics" : "/";
    redirect(res, safeNext(parsed.data.next ?? fallback));
  };

  router.on("POST", "/api/v1/auth/login", async (ctx) => {
    const { req, res } = ctx;
    if (!req.headers[CSRF_HEADER]) {
      throw new AppError("csrf", `login requests must send the ${CSRF_HEADER} header`);
    }
    if (deps.isPasswordSignInOn === false) {
      throw new AppError("forbidden", "password sign-in is switched off; use single sign-on");
    }
    const wait = deps.limiter.hit(deps.origin.addressOf(req));
    if (wait > 0) {
      res.setHeader("retry-after", String(wait));
      throw new AppError("rate_limited", `too many sign-in attempts; try again in ${wait} s`);
    }
    const parsed = loginSchema.safeParse(await readJson(ctx, LOGIN_BODY_BYTES));
    if (!parsed.success) throw new AppError("invalid_body", describeIssues(parsed.error.issues));
    const viewer = await deps.auth.login(parsed.data.email, parsed.data.password);
    res.setHeader("set-cookie", await deps.auth.startSession(viewer, deps.origin.isHttps(req)));
    res.writeHead(204).end();
  });

  router.on("POST", "/api/v1/auth/logout", async ({ req, res }) => {
    await deps.auth.require(req);
    res.setHeader("set-cookie", await deps.auth.endSession(req, deps.origin.isHttps(req)));
    res.writeHead(204).end();
  });

  router.on("GET", "/api/v1/me", async ({ req, res }) => {
    const viewer: Viewer = await deps.auth.require(req);
    const body: z.infer<typeof meResponseSchema> = { viewer };
    sendJson(res, 200, body);
  });
}
