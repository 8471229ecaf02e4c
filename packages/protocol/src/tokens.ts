// Claims of the JWTs a host platform signs: user tokens for the tracker, viewer tokens for pages.
import { z } from "zod";

export const USER_AUDIENCE = "rollcall:track";
export const VIEWER_AUDIENCE = "rollcall:view";
export const DEFAULT_PLATFORM = "default";

export const userClaimsSchema = z.object({
  sub: z.string().min(1).max(256),
  name: z.string().max(256).optional(),
  email: z.string().max(320).optional(),
  role: z.string().max(64).optional(),
  plat: z.string().min(1).max(64).optional(),
});
export type UserClaims = z.infer<typeof userClaimsSchema>;

export const viewerRoles = ["owner", "admin", "instructor"] as const;
export type ViewerRole = (typeof viewerRoles)[number];

export const viewerClaimsSchema = z.object({
  sub: z.string().min(1).max(256),
  role: z.enum(viewerRoles),
  apps: z.array(z.string().min(1).max(128)).max(1000).optional(),
  plat: z.string().min(1).max(64).optional(),
  name: z.string().max(256).optional(),
});
export type ViewerClaims = z.infer<typeof viewerClaimsSchema>;

/** Who is looking at a page, as the server resolved them. */
export const viewerSchema = z.object({
  id: z.string(),
  name: z.string(),
  platform: z.string(),
  role: z.enum(viewerRoles),
  apps: z.array(z.string()).nullable().describe("null: every app of the platform"),
});
export type Viewer = z.infer<typeof viewerSchema>;
