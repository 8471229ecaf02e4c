// `rollcall platform create` and `rotate-secret`: tenants and their signing secrets.
import { randomBytes } from "node:crypto";
import { DEFAULT_PLATFORM } from "@rollcall/protocol";
import type { CliCommand } from "./cli-command.js";
import { requireString, UsageError } from "./cli-command.js";
import { withStorage } from "./open-for-cli.js";

export const platformCreateCommand: CliCommand = {
  name: ["platform", "create"],
  summary: "Create a platform (tenant) and print its signing secret",
  usage: "rollcall platform create --id ID [--name NAME] [--secret SECRET]",
  options: {
    id: { type: "string" },
    name: { type: "string" },
    secret: { type: "string" },
  },
  async run(values, env) {
    const id = requireString(values, "id");
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) {
      throw new UsageError("--id: 1 to 64 letters, digits, - or _");
    }
    const secret =
      typeof values.secret === "string" ? values.secret : randomBytes(32).toString("base64url");
    if (secret.length < 16) throw new UsageError("--secret: at least 16 characters");
    return withStorage(
      env,
      async (storage) => {
        if (await storage.getPlatform(id)) {
          process.stderr.write(`platform "${id}" already exists\n`);
          return 1;
        }
        const name = typeof values.name === "string" ? values.name : id;
        await storage.createPlatform({ id, name, secrets: [secret], createdAt: Date.now() });
        process.stdout.write(`created platform "${id}"\nsigning secret: ${secret}\n`);
        return 0;
      },
      { creates: true },
    );
  },
};

export const platformRotateSecretCommand: CliCommand = {
  name: ["platform", "rotate-secret"],
  summary: "Add a new signing secret (the old one stays valid), or drop all but the newest",
  usage:
    "rollcall platform rotate-secret --id ID [--secret NEW] [--drop-old]\n" +
    "  without --drop-old: adds NEW (random if omitted) and keeps the current one; both are accepted\n" +
    "  --drop-old: keeps only the newest (NEW if given); run it once every backend signs with it",
  options: {
    id: { type: "string" },
    secret: { type: "string" },
    "drop-old": { type: "boolean" },
  },
  async run(values, env) {
    const id = requireString(values, "id");
    const isDropping = values["drop-old"] === true;
    const given = typeof values.secret === "string" ? values.secret : undefined;
    if (given !== undefined && given.length < 16) {
      throw new UsageError("--secret: at least 16 characters");
    }
    return withStorage(env, async (storage) => {
      const platform = await storage.getPlatform(id);
      if (!platform) {
        process.stderr.write(`no platform "${id}"; create it with rollcall platform create\n`);
        return 1;
      }
      const current = platform.secrets.at(-1);
      const added = given ?? (isDropping ? undefined : randomBytes(32).toString("base64url"));
      // At most two during a rotation: the one in use and the one replacing it.
      const secrets = added
        ? isDropping
          ? [added]
          : [...(current && current !== added ? [current] : []), added]
        : current
          ? [current]
          : [];
      if (secrets.length === 0) {
        process.stderr.write(`platform "${id}" has no secret; pass --secret\n`);
        return 1;
      }
      await storage.setPlatformSecrets(id, secrets);
      const out: string[] = [];
      if (added) out.push(`new signing secret for "${id}": ${added}`);
      out.push(
        secrets.length === 2
          ? "the previous secret stays valid; once every backend signs with the new one, run again with --drop-old"
          : `platform "${id}" now accepts only ${added ? "this secret" : "its newest secret"}`,
      );
      const pinned = env.ROLLCALL_PLATFORM_SECRET;
      if (id === DEFAULT_PLATFORM && pinned && pinned !== secrets.at(-1)) {
        out.push(
          "note: ROLLCALL_PLATFORM_SECRET holds another secret; update it, or the next start puts it back",
        );
      }
      process.stdout.write(`${out.join("\n")}\n`);
      return 0;
    });
  },
};

export const platformListCommand: CliCommand = {
  name: ["platform", "list"],
  summary: "List the platforms: id, name, created, how many signing secrets are valid",
  usage: "rollcall platform list",
  options: {},
  async run(_values, env) {
    return withStorage(env, async (storage) => {
      const rows = (await storage.listPlatforms()).map((p) => [
        p.id,
        p.name,
        new Date(p.createdAt).toISOString().slice(0, 10),
        p.secrets.length === 2 ? "2 (rotating)" : String(p.secrets.length),
      ]);
      const table = [["ID", "NAME", "CREATED", "SECRETS"], ...rows];
      const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
      const lines = table.map((row) =>
        row
          .map((cell, i) => cell.padEnd(widths[i]!))
          .join("  ")
          .trimEnd(),
      );
      process.stdout.write(`${lines.join("\n")}\n`);
      return 0;
    });
  },
};

export const platformShowCommand: CliCommand = {
  name: ["platform", "show"],
  summary: "Show a platform; its signing secrets only with --show-secret",
  usage: "rollcall platform show --id ID [--show-secret]",
  options: { id: { type: "string" }, "show-secret": { type: "boolean" } },
  async run(values, env) {
    const id = requireString(values, "id");
    return withStorage(env, async (storage) => {
      const platform = await storage.getPlatform(id);
      if (!platform) {
        process.stderr.write(`no platform "${id}"; rollcall platform list shows those there are\n`);
        return 1;
      }
      const lines = [
        `id:       ${platform.id}`,
        `name:     ${platform.name}`,
        `created:  ${new Date(platform.createdAt).toISOString()}`,
        `secrets:  ${platform.secrets.length}${platform.secrets.length > 1 ? " (rotating: both accepted until rotate-secret --drop-old)" : ""}`,
      ];
      if (values["show-secret"] === true) {
        // Newest first: the one backends should sign with.
        for (const [i, secret] of [...platform.secrets].reverse().entries()) {
          lines.push(`${i === 0 ? "secret:  " : "previous:"} ${secret}`);
        }
      }
      process.stdout.write(`${lines.join("\n")}\n`);
      return 0;
    });
  },
};
