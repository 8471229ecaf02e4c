// Single sign-on settings for operators (OpenID Connect), read with the others and checked.
import { z } from "zod";

const list = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? "")
      .split(",")
      .map((item) => item.trim())
      .filter(Boolean),
  );

const oidcSchema = z.object({
  /** The address people reach Rollcall at (e.g. https://rollcall.example.com): the redirect URI's base. */
  ROLLCALL_PUBLIC_URL: z
    .string()
    .regex(/^https?:\/\/[^/?#]+$/, "an origin like https://rollcall.example.com, no path")
    .optional(),
  /** The identity provider's issuer URL (its /.well-known/openid-configuration is read). */
  ROLLCALL_OIDC_ISSUER: z.string().url().optional(),
  ROLLCALL_OIDC_CLIENT_ID: z.string().min(1).max(256).optional(),
  /** Unset: a public client (PKCE only). */
  ROLLCALL_OIDC_CLIENT_SECRET: z.string().min(1).max(1024).optional(),
  /** The button's words: "Sign in with …". */
  ROLLCALL_OIDC_NAME: z.string().min(1).max(60).default("single sign-on"),
  ROLLCALL_OIDC_SCOPES: z.string().min(1).max(512).default("openid email profile"),
  /** Verified emails of these domains get ROLLCALL_OIDC_DOMAIN_ROLE. */
  ROLLCALL_OIDC_ALLOWED_DOMAINS: list,
  ROLLCALL_OIDC_DOMAIN_ROLE: z.enum(["owner", "admin"]).default("admin"),
  /** The claim holding the user's groups (a list or one string). */
  ROLLCALL_OIDC_GROUPS_CLAIM: z.string().min(1).max(128).default("groups"),
  ROLLCALL_OIDC_OWNER_GROUPS: list,
  ROLLCALL_OIDC_ADMIN_GROUPS: list,
  /** `false` switches the email and password form off (single sign-on and /embed remain). */
  ROLLCALL_PASSWORD_SIGN_IN: z.enum(["true", "false"]).default("true"),
});

export interface OidcConfig {
  publicUrl: string;
  issuer: string;
  clientId: string;
  clientSecret: string | null;
  name: string;
  scopes: string;
  allowedDomains: string[];
  domainRole: "owner" | "admin";
  groupsClaim: string;
  ownerGroups: string[];
  adminGroups: string[];
}

export interface SignInConfig {
  /** Null: no single sign-on. */
  oidc: OidcConfig | null;
  isPasswordSignInOn: boolean;
}

/** The sign-in settings, or the problems with them (one line each). */
export function readSignInConfig(
  env: Record<string, string | undefined>,
): SignInConfig | { problems: string[] } {
  const parsed = oidcSchema.safeParse(env);
  if (!parsed.success) {
    return {
      problems: parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`),
    };
  }
  const e = parsed.data;
  const isPasswordSignInOn = e.ROLLCALL_PASSWORD_SIGN_IN === "true";
  if (!e.ROLLCALL_OIDC_ISSUER) return { oidc: null, isPasswordSignInOn };
  const problems: string[] = [];
  if (!e.ROLLCALL_OIDC_CLIENT_ID) problems.push("ROLLCALL_OIDC_CLIENT_ID: needed with an issuer");
  if (!e.ROLLCALL_PUBLIC_URL) {
    problems.push("ROLLCALL_PUBLIC_URL: needed with an issuer (the sign-in's return address)");
  }
  const roles = [...e.ROLLCALL_OIDC_ALLOWED_DOMAINS, ...e.ROLLCALL_OIDC_OWNER_GROUPS];
  if (roles.length + e.ROLLCALL_OIDC_ADMIN_GROUPS.length === 0) {
    problems.push(
      "ROLLCALL_OIDC_ALLOWED_DOMAINS or ROLLCALL_OIDC_OWNER_GROUPS / _ADMIN_GROUPS: who may sign in",
    );
  }
  if (problems.length > 0) return { problems };
  return {
    isPasswordSignInOn,
    oidc: {
      publicUrl: e.ROLLCALL_PUBLIC_URL!,
      issuer: e.ROLLCALL_OIDC_ISSUER,
      clientId: e.ROLLCALL_OIDC_CLIENT_ID!,
      clientSecret: e.ROLLCALL_OIDC_CLIENT_SECRET ?? null,
      name: e.ROLLCALL_OIDC_NAME,
      scopes: e.ROLLCALL_OIDC_SCOPES,
      allowedDomains: e.ROLLCALL_OIDC_ALLOWED_DOMAINS.map((domain) => domain.toLowerCase()),
      domainRole: e.ROLLCALL_OIDC_DOMAIN_ROLE,
      groupsClaim: e.ROLLCALL_OIDC_GROUPS_CLAIM,
      ownerGroups: e.ROLLCALL_OIDC_OWNER_GROUPS,
      adminGroups: e.ROLLCALL_OIDC_ADMIN_GROUPS,
    },
  };
}
