// `rollcall token user` and `rollcall token viewer`: sign tokens as a host platform's backend would.
import { DEFAULT_PLATFORM, type ViewerRole, viewerRoles } from "@rollcall/protocol";
import { signUserToken, signViewerToken } from "../auth/token-signer.js";
import { loadConfig } from "../config/config.js";
import type { Storage } from "../storage/storage.js";
import { type CliCommand, requireString, UsageError } from "./cli-command.js";
import { withStorage } from "./open-for-cli.js";

const common = {
  platform: { type: "string" as const },
  ttl: { type: "string" as const },
};

/** The lifetime asked for, within the longest a running Rollcall accepts (ROLLCALL_MAX_TOKEN_SECONDS). */
function ttlOf(
  values: Record<string, string | boolean | undefined>,
  fallback: number,
  env: NodeJS.ProcessEnv,
): number {
  const max = loadConfig(env).maxTokenSeconds;
  if (values.ttl === undefined) return Math.min(fallback, max);
  const ttl = Number(values.ttl);
  if (!Number.isInteger(ttl) || ttl < 1) throw new UsageError("--ttl: whole seconds, at least 1");
  if (ttl > max) {
    throw new UsageError(
      `--ttl: at most ${max} s, the longest token lifetime Rollcall accepts (ROLLCALL_MAX_TOKEN_SECONDS)`,
    );
  }
  return ttl;
}

async function secretOf(storage: Storage, platform: string): Promise<string> {
  const record = await storage.getPlatform(platform);
  const secret = record?.secrets[record.secrets.length - 1];
  if (!secret) {
    throw new UsageError(
      `no platform "${platform}": start Rollcall once, or run rollcall platform create --id ${platform}`,
    );
  }
  return secret;
}

export const tokenUserCommand: CliCommand = {
  name: ["token", "user"],
  summary: "Print a user token (for the tracker's data-token)",
  usage:
    "rollcall token user --sub USER_ID [--name NAME] [--email EMAIL] [--role ROLE] [--platform ID] [--ttl SECONDS]",
  options: {
    ...common,
    sub: { type: "string" },
    name: { type: "string" },
    email: { type: "string" },
    role: { type: "string" },
  },
  async run(values, env) {
    const sub = requireString(values, "sub");
    const platform = typeof values.platform === "string" ? values.platform : DEFAULT_PLATFORM;
    const ttlSeconds = ttlOf(values, 86_400, env);
    return withStorage(env, async (storage) => {
      const token = await signUserToken(
        {
          sub,
          ...(typeof values.name === "string" ? { name: values.name } : {}),
          ...(typeof values.email === "string" ? { email: values.email } : {}),
          ...(typeof values.role === "string" ? { role: values.role } : {}),
          ...(platform !== DEFAULT_PLATFORM ? { plat: platform } : {}),
        },
        { secret: await secretOf(storage, platform), ttlSeconds },
      );
      process.stdout.write(`${token}\n`);
      return 0;
    });
  },
};

export const tokenViewerCommand: CliCommand = {
  name: ["token", "viewer"],
  summary: "Print a viewer token (for the API or /embed?token=…)",
  usage:
    "rollcall token viewer --sub VIEWER_ID --role owner|admin|instructor [--apps a,b] [--platform ID] [--ttl SECONDS]",
  options: {
    ...common,
    sub: { type: "string" },
    role: { type: "string" },
    apps: { type: "string" },
  },
  async run(values, env) {
    const sub = requireString(values, "sub");
    const role = requireString(values, "role");
    if (!viewerRoles.includes(role as ViewerRole)) {
      throw new UsageError(`--role: one of ${viewerRoles.join(", ")}`);
    }
    const apps =
      typeof values.apps === "string"
        ? values.apps
            .split(",")
            .map((a) => a.trim())
            .filter(Boolean)
        : undefined;
    const platform = typeof values.platform === "string" ? values.platform : DEFAULT_PLATFORM;
    const ttlSeconds = ttlOf(values, 3_600, env);
    return withStorage(env, async (storage) => {
      const token = await signViewerToken(
        {
          sub,
          role: role as ViewerRole,
          ...(apps ? { apps } : {}),
          ...(platform !== DEFAULT_PLATFORM ? { plat: platform } : {}),
        },
        { secret: await secretOf(storage, platform), ttlSeconds },
      );
      process.stdout.write(`${token}\n`);
      return 0;
    });
  },
};
