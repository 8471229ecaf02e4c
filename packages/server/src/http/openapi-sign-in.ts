// The OpenAPI paths of operators' single sign-on: the ways in, and the provider's two legs.
import { LOGIN_ATTEMPTS, LOGIN_WINDOW_MS } from "../auth/login-limiter.js";
import { rateLimited } from "./openapi-errors.js";

const signInBudget = rateLimited(
  `shares the sign-in budget: ${LOGIN_ATTEMPTS} attempts per client address per ${LOGIN_WINDOW_MS / 1000} s`,
);

export const signInPaths = {
  "/api/v1/auth/methods": {
    get: {
      summary:
        "The ways operators can sign in: the password form (ROLLCALL_PASSWORD_SIGN_IN) and single sign-on (ROLLCALL_OIDC_*), for the login page",
      responses: {
        "200": {
          description: "`{ password: boolean, oidc: { name, start } | null }`",
        },
      },
    },
  },
  "/auth/oidc/start": {
    get: {
      summary:
        "Browser navigation: sends the operator to the identity provider (authorization code + PKCE); `next` is where they land after. Redirects to /login?sso=unavailable when the provider cannot be reached. Only when single sign-on is set",
      responses: {
        "302": { description: "To the identity provider" },
        "429": signInBudget,
      },
    },
  },
  "/auth/oidc/callback": {
    get: {
      summary:
        "The identity provider sends the browser back here: signed in (session cookie) and redirected to `next`, or to /login?sso=refused|failed|expired|cancelled",
      responses: {
        "302": { description: "To the dashboard or the login page" },
        "429": signInBudget,
      },
    },
  },
};
