// `rollcall user import`: register platform users from a CSV, through the running server if up.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { DEFAULT_PLATFORM } from "@rollcall/protocol";
import { loadConfig } from "../config/config.js";
import { emptyFactBatch, type UserProfile } from "../storage/storage.js";
import { readUserCsv } from "../users/user-csv.js";
import { type CliCommand, requireString, UsageError } from "./cli-command.js";
import { withStorage } from "./open-for-cli.js";

const BATCH = 1_000;

function progress(done: number, total: number): void {
  const line = `imported ${done.toLocaleString("en-US")} / ${total.toLocaleString("en-US")} users`;
  process.stderr.write(process.stderr.isTTY ? `\r${line}` : `${line}\n`);
}

async function isServerUp(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1_500) });
    return response.ok;
  } catch {
    return false;
  }
}

async function importOverHttp(url: string, secret: string, users: UserProfile[]): Promise<void> {
  for (let i = 0; i < users.length; i += BATCH) {
    const response = await fetch(`${url}/api/v1/users`, {
      method: "POST",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
      body: JSON.stringify({ users: users.slice(i, i + BATCH) }),
    });
    if (!response.ok) {
      const body = (await response.json().catch(() => null)) as {
        error?: { message?: string };
      } | null;
      throw new Error(
        `server refused users ${i + 1}–${i + BATCH}: ${body?.error?.message ?? response.status}`,
      );
    }
    progress(Math.min(i + BATCH, users.length), users.length);
  }
}

export const userImportCommand: CliCommand = {
  name: ["user", "import"],
  summary: "Register platform users from a CSV file (columns id,name,email,role)",
  usage:
    "rollcall user import --file users.csv [--platform ID] [--url http://localhost:8740]\n" +
    "  Sends the users to the running server at --url (default: this machine's PORT);\n" +
    "  when none answers, writes them into the database directly.",
  options: { file: { type: "string" }, platform: { type: "string" }, url: { type: "string" } },
  async run(values, env) {
    const file = requireString(values, "file");
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      throw new UsageError(`--file: cannot read ${file}: ${(error as Error).message}`);
    }
    const { users, errors } = readUserCsv(text);
    if (errors.length > 0) {
      process.stderr.write(`nothing imported; fix these rows first:\n  ${errors.join("\n  ")}\n`);
      return 1;
    }
    const platform = typeof values.platform === "string" ? values.platform : DEFAULT_PLATFORM;
    const config = loadConfig(env);
    const url =
      typeof values.url === "string"
        ? values.url.replace(/\/$/, "")
        : `http://127.0.0.1:${config.port}`;
    return withStorage(env, async (storage) => {
      const record = await storage.getPlatform(platform);
      if (await isServerUp(url)) {
        const secret = record?.secrets.at(-1);
        if (!secret) throw new UsageError(`--platform: no platform "${platform}"`);
        await importOverHttp(url, secret, users);
      } else {
        if (!record && platform !== DEFAULT_PLATFORM) {
          throw new UsageError(
            `--platform: no platform "${platform}"; create it with rollcall platform create`,
          );
        }
        if (!record) {
          // As `start` would: the default platform, with a random secret.
          const secret = randomBytes(32).toString("base64url");
          await storage.createPlatform({
            id: platform,
            name: platform,
            secrets: [secret],
            createdAt: Date.now(),
          });
        }
        for (let i = 0; i < users.length; i += BATCH) {
          const batch = emptyFactBatch();
          batch.users = users.slice(i, i + BATCH).map((u) => ({ platform, ...u }));
          await storage.writeFacts(batch);
          progress(Math.min(i + BATCH, users.length), users.length);
        }
      }
      if (process.stderr.isTTY) process.stderr.write("\n");
      process.stdout.write(`${users.length} users imported into platform "${platform}"\n`);
      return 0;
    });
  },
};
