// The viewer session cookie's Set-Cookie value: httpOnly, SameSite from the settings, Secure over HTTPS.
import type { Config } from "../config/config.js";

export const SESSION_COOKIE = "rollcall_session";

export type CookieSameSite = Config["cookieSameSite"];

export interface SessionCookieOptions {
  sameSite: CookieSameSite;
  /** The request came over HTTPS (directly, or through a trusted proxy that says so). */
  isHttps: boolean;
}

const SAME_SITE_ATTRIBUTE: Record<CookieSameSite, string> = {
  lax: "SameSite=Lax",
  strict: "SameSite=Strict",
  none: "SameSite=None",
};

/**
 * `lax` (default) keeps the cookie off cross-site requests but not off a link into Rollcall;
 * `strict` keeps it off both; `none` lets a cross-site iframe (/embed in the host platform's
 * pages) keep it. Browsers drop `SameSite=None` without `Secure`, so `none` is always Secure (the
 * settings refuse it unless Rollcall sits behind HTTPS), and Partitioned: the cookie is kept per
 * top-level site, so it only rides along inside the site that opened /embed, never inside another
 * site that frames Rollcall, and still works where third-party cookies are blocked.
 */
export function sessionCookie(
  value: string,
  maxAgeSeconds: number,
  options: SessionCookieOptions,
): string {
  const parts = [
    `${SESSION_COOKIE}=${value}`,
    "Path=/",
    "HttpOnly",
    SAME_SITE_ATTRIBUTE[options.sameSite],
    `Max-Age=${maxAgeSeconds}`,
  ];
  if (options.sameSite === "none") parts.push("Secure", "Partitioned");
  else if (options.isHttps) parts.push("Secure");
  return parts.join("; ");
}

/** The cookies of a `Cookie` header by name; a part without `=` is skipped. */
export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  if (!header) return cookies;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name) cookies[name] = value;
  }
  return cookies;
}
