// The API description of signing in: /embed for host platforms, operators' password and single
// sign-on, signing out, and who is signed in.
import { LOGIN_ATTEMPTS, LOGIN_WINDOW_MS } from "../auth/address-limiter.js";
import { CSRF_HEADER } from "../auth/viewer-auth.js";
import {
  BODIES_PER_ADDRESS,
  errorResponse,
  invalidBody,
  rateLimited,
  tooLarge,
  unavailable,
  unavailableReadingBodies,
  viewerErrors,
} from "./openapi-errors.js";
import { type ApiRoute, jsonReply } from "./openapi-route.js";
import {
  embedQuerySchema,
  LOGIN_BODY_BYTES,
  loginSchema,
  meResponseSchema,
} from "./routes/auth-routes.js";
import { authMethodsSchema } from "./routes/oidc-routes.js";

const signInBudget = `${LOGIN_ATTEMPTS} attempts per client address per ${LOGIN_WINDOW_MS / 1000} s`;
const sharedSignInBudget = rateLimited(
  `the sign-in budget, shared with the password form: ${signInBudget}`,
);
const redirect = (description: string) => ({ description: `Redirect: ${description}` });

export const signInRoutes: ApiRoute[] = [
  {
    method: "get",
    path: "/api/v1/me",
    tag: "signIn",
    summary: "The signed-in viewer",
    auth: "viewer",
    replies: { 200: jsonReply("The viewer", "MeResponse", meResponseSchema) },
    errors: viewerErrors,
  },
  {
    method: "get",
    path: "/embed",
    tag: "signIn",
    summary: "Exchanges a viewer token for a session cookie and opens the dashboard",
    description:
      "Sets an httpOnly session cookie (SameSite per ROLLCALL_COOKIE_SAMESITE) and redirects to `next`. A browser (Accept: text/html) whose token fails gets the dashboard page explaining why, with the same status.",
    auth: "none",
    query: embedQuerySchema,
    replies: { 302: redirect("to the dashboard, with Set-Cookie") },
    errors: {
      400: errorResponse("token missing or too long", "bad_request"),
      401: errorResponse("invalid or expired viewer token", "token_invalid", "token_expired"),
      503: unavailable,
    },
  },
  {
    method: "post",
    path: "/api/v1/auth/login",
    tag: "signIn",
    summary: "Operator sign-in with email and password; sets the session cookie",
    description: `Send header ${CSRF_HEADER}.`,
    auth: "none",
    body: { schema: loginSchema, maxBytes: LOGIN_BODY_BYTES },
    replies: { 204: { description: "Signed in, with Set-Cookie" } },
    errors: {
      400: invalidBody("email or password missing or too long"),
      401: errorResponse("wrong email or password", "unauthorized"),
      403: errorResponse(
        `no ${CSRF_HEADER} header (csrf), or password sign-in is switched off (forbidden)`,
        "csrf",
        "forbidden",
      ),
      413: tooLarge(LOGIN_BODY_BYTES),
      429: rateLimited(`${signInBudget}, or ${BODIES_PER_ADDRESS}`),
      503: unavailableReadingBodies,
    },
  },
  {
    method: "post",
    path: "/api/v1/auth/logout",
    tag: "signIn",
    summary: "Ends the cookie session",
    description: `Send header ${CSRF_HEADER}.`,
    auth: "viewer",
    replies: { 204: { description: "Signed out, the cookie cleared" } },
    errors: {
      ...viewerErrors,
      403: errorResponse(
        `a request made with the session cookie lacks the ${CSRF_HEADER} header`,
        "csrf",
      ),
    },
  },
  {
    method: "get",
    path: "/api/v1/auth/methods",
    tag: "signIn",
    summary: "The ways operators can sign in, for the login page",
    auth: "none",
    replies: { 200: jsonReply("The ways in", "AuthMethods", authMethodsSchema) },
    errors: {},
  },
  {
    method: "get",
    path: "/auth/oidc/start",
    tag: "signIn",
    summary: "Single sign-on: sends the browser to the identity provider",
    description:
      "A browser navigation (authorization code + PKCE); `next` is where the operator lands after. Redirects to /login?sso=unavailable when the provider cannot be reached. Only when single sign-on is set (ROLLCALL_OIDC_*).",
    auth: "none",
    replies: { 302: redirect("to the identity provider") },
    errors: { 429: sharedSignInBudget },
  },
  {
    method: "get",
    path: "/auth/oidc/callback",
    tag: "signIn",
    summary: "Single sign-on: the identity provider sends the browser back here",
    description:
      "Signed in (session cookie) and redirected to `next`, or to /login?sso=refused|failed|expired|cancelled.",
    auth: "none",
    replies: { 302: redirect("to the dashboard or the login page") },
    errors: { 429: sharedSignInBudget },
  },
];
