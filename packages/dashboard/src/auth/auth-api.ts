// Who is signed in, and the email/password sign-in and sign-out calls.
import type { Viewer } from "@rollcall/protocol";
import { apiGet, apiPost } from "../api/api-client";

export async function fetchViewer(signal?: AbortSignal): Promise<Viewer> {
  const body = await apiGet<{ viewer: Viewer }>("/api/v1/me", signal);
  return body.viewer;
}

/** The ways into Rollcall the server offers operators. */
export interface SignInMethods {
  password: boolean;
  oidc: { name: string; start: string } | null;
}

export function fetchSignInMethods(signal?: AbortSignal): Promise<SignInMethods> {
  return apiGet<SignInMethods>("/api/v1/auth/methods", signal);
}

/** Leaves for the identity provider; it sends the browser back signed in, to `next`. */
export function startSingleSignOn(methods: SignInMethods, next: string): void {
  if (!methods.oidc) return;
  rememberSignIn("password");
  window.location.assign(`${methods.oidc.start}?next=${encodeURIComponent(next)}`);
}

export async function signIn(email: string, password: string): Promise<void> {
  await apiPost("/api/v1/auth/login", { email, password });
  rememberSignIn("password");
}

/** Ends the session; resolves to where the viewer goes next (see signOutPath). */
export async function signOut(): Promise<string> {
  await apiPost("/api/v1/auth/logout");
  const path = signOutPath();
  rememberSignIn(null);
  return path;
}

const SIGN_IN_KEY = "rollcall:sign-in";

function rememberSignIn(kind: "password" | null): void {
  try {
    if (kind) window.localStorage.setItem(SIGN_IN_KEY, kind);
    else window.localStorage.removeItem(SIGN_IN_KEY);
  } catch {
    // Storage blocked: signing out then shows the signed-out page, which links to both ways in.
  }
}

/**
 * Operators who signed in with a password here go back to the sign-in form; everyone else came
 * through their platform's /embed link and cannot use that form, so they get a page that says
 * how to come back.
 */
export function signOutPath(): string {
  try {
    return window.localStorage.getItem(SIGN_IN_KEY) === "password" ? "/login" : "/signed-out";
  } catch {
    return "/signed-out";
  }
}

/** Where the login page sends someone after they sign in, kept to same-site paths. */
export function loginPath(next: string): string {
  return next === "/" ? "/login" : `/login?next=${encodeURIComponent(next)}`;
}

export function safeNextPath(next: string | null): string {
  return next?.startsWith("/") && !next.startsWith("//") ? next : "/";
}
