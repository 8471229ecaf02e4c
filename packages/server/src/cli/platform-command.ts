// `rollcall platform create`: a new tenant with its signing secret.
import { randomBytes } from "node:crypto";
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
    return withStorage(env, async (storage) => {
      if (await storage.getPlatform(id)) {
        process.stderr.write(`platform "${id}" already exists\n`);
        return 1;
      }
      const name = typeof values.name === "string" ? values.name : id;
      await storage.createPlatform({ id, name, secrets: [secret], createdAt: Date.now() });
      process.stdout.write(`created platform "${id}"\nsigning secret: ${secret}\n`);
      return 0;
    });
  },
};
