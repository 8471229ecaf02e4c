// Where the server started last keeps its data, recorded for the CLI run later from elsewhere:
// `$XDG_STATE_HOME/rollcall/last-server.json` (default ~/.local/state). No secret is written.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";
import type { Config } from "../config/config.js";

const recordSchema = z.object({
  dataDir: z.string().min(1),
  database: z.enum(["sqlite", "postgres"]),
  url: z.string(),
  startedAt: z.string(),
});

export type ServerRecord = z.infer<typeof recordSchema>;

/** The record's path, or null without a home or state directory to keep it in. */
export function serverRecordFile(env: NodeJS.ProcessEnv): string | null {
  const state = env.XDG_STATE_HOME || (env.HOME ? join(env.HOME, ".local", "state") : null);
  return state ? join(state, "rollcall", "last-server.json") : null;
}

/** Records a started server; a failure only loses the hint, so it is ignored. */
export function recordServer(env: NodeJS.ProcessEnv, config: Config, url: string): void {
  const file = serverRecordFile(env);
  if (!file) return;
  const record: ServerRecord = {
    dataDir: resolve(config.dataDir),
    database: config.databaseUrl ? "postgres" : "sqlite",
    url,
    startedAt: new Date().toISOString(),
  };
  try {
    mkdirSync(join(file, ".."), { recursive: true });
    writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  } catch {
    // A read-only home: the CLI then needs the server's settings, as it says.
  }
}

/** The server started last, if a readable record says. */
export function readServerRecord(env: NodeJS.ProcessEnv): ServerRecord | null {
  const file = serverRecordFile(env);
  if (!file) return null;
  try {
    const parsed = recordSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
