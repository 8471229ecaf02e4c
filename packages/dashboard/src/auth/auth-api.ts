// Who is signed in, and the email/password sign-in and sign-out calls.
import type { Viewer } from "@rollcall/protocol";
import { apiGet, apiPost } from "../api/api-client";

export async function fetchViewer(signal?: AbortSignal): Promise<Viewer> {
  const body = await apiGet<{ viewer: Viewer }>("/api/v1/me", signal);
  return body.viewer;
}

export function signIn(email: string, password: string): Promise<void> {
  return apiPost("/api/v1/auth/login", { email, password });
}

export function signOut(): Promise<void> {
  return apiPost("/api/v1/auth/logout");
}

/** Where the login page sends someone after they sign in, kept to same-site paths. */
export function loginPath(next: string): string {
  return next === "/" ? "/login" : `/login?next=${encodeURIComponent(next)}`;
}

export function safeNextPath(next: string | null): string {
  return next?.startsWith("/") && !next.startsWith("//") ? next : "/";
}
