// `rollcall export`: a platform's data as files (users, sessions, page visits as CSV; events as JSON Lines).

import { once } from "node:events";
import { createWriteStream, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { DEFAULT_PLATFORM } from "@rollcall/protocol";
import { EXPORT_COLUMNS, type ExportKind, type Storage } from "../storage/storage.js";
import { isoTime } from "../storage/stored-time.js";
import type { CliCommand } from "./cli-command.js";
import { UsageError } from "./cli-command.js";
import { withStorage } from "./open-for-cli.js";

const FILES: Array<{ kind: ExportKind; file: string }> = [
  { kind: "users", file: "users.csv" },
  { kind: "sessions", file: "sessions.csv" },
  { kind: "page_visits", file: "page_visits.csv" },
  { kind: "events", file: "events.jsonl" },
];

/** Times are stored as epoch milliseconds; files carry ISO 8601. */
function readable(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    const isTime = key === "ts" || key.endsWith("_at");
    out[key] = isTime && typeof value === "number" ? isoTime(value) : value;
  }
  return out;
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

async function exportKind(
  storage: Storage,
  platform: string,
  kind: ExportKind,
  path: string,
): Promise<number> {
  const out = createWriteStream(path);
  const columns = EXPORT_COLUMNS[kind];
  const isJson = path.endsWith(".jsonl");
  if (!isJson) out.write(`${columns.join(",")}\r\n`);
  let count = 0;
  for await (const stored of storage.exportRows(platform, kind)) {
    const row = readable(stored);
    const line = isJson
      ? JSON.stringify({ ...row, props: row.props === null ? null : JSON.parse(String(row.props)) })
      : columns.map((c) => csvCell(row[c])).join(",");
    if (!out.write(`${line}${isJson ? "\n" : "\r\n"}`)) await once(out, "drain");
    count++;
    if (count % 100_000 === 0)
      process.stderr.write(`  ${kind}: ${count.toLocaleString("en-US")} rows…\n`);
  }
  out.end();
  await once(out, "finish");
  return count;
}

export const exportCommand: CliCommand = {
  name: ["export"],
  summary:
    "Write a platform's users, sessions, page visits (CSV) and events (JSON Lines) to a folder",
  usage:
    "rollcall export [--platform ID] [--out FOLDER]   (default folder: ./rollcall-export-<platform>)",
  options: { platform: { type: "string" }, out: { type: "string" } },
  async run(values, env) {
    const platform = typeof values.platform === "string" ? values.platform : DEFAULT_PLATFORM;
    const folder = resolve(
      typeof values.out === "string" ? values.out : `rollcall-export-${platform}`,
    );
    return withStorage(env, async (storage) => {
      if (!(await storage.getPlatform(platform)))
        throw new UsageError(`--platform: no platform "${platform}"`);
      mkdirSync(folder, { recursive: true });
      for (const { kind, file } of FILES) {
        const count = await exportKind(storage, platform, kind, join(folder, file));
        process.stdout.write(`${file.padEnd(16)} ${count.toLocaleString("en-US")} rows\n`);
      }
      process.stdout.write(`exported platform "${platform}" to ${folder}\n`);
      return 0;
    });
  },
};
