// The `rollcall` command line: picks a command by its words and runs it.
import { ConfigError } from "../config/config.js";
import { type CliCommand, parseCommandArgs, UsageError } from "./cli-command.js";
import { exportCommand } from "./export-command.js";
import { migrateCommand } from "./migrate-command.js";
import { operatorCreateCommand } from "./operator-command.js";
import {
  platformCreateCommand,
  platformListCommand,
  platformRotateSecretCommand,
  platformShowCommand,
} from "./platform-command.js";
import { sessionRevokeCommand } from "./session-command.js";
import { demoCommand, startCommand } from "./start-command.js";
import { tokenUserCommand, tokenViewerCommand } from "./token-commands.js";
import { userImportCommand } from "./user-import-command.js";

const commands: CliCommand[] = [
  startCommand,
  demoCommand,
  platformCreateCommand,
  platformListCommand,
  platformShowCommand,
  platformRotateSecretCommand,
  tokenUserCommand,
  tokenViewerCommand,
  operatorCreateCommand,
  sessionRevokeCommand,
  userImportCommand,
  exportCommand,
  migrateCommand,
];

/** The commands (all, or those whose first word is `group`) with their summaries. */
function overview(group?: string): string {
  const listed = commands.filter((c) => group === undefined || c.name[0] === group);
  const width = Math.max(...listed.map((c) => c.name.join(" ").length));
  return [
    `usage: rollcall ${group ?? "<command>"}${group && listed.length > 1 ? " <command>" : ""} [options]`,
    "",
    ...listed.map((c) => `  ${c.name.join(" ").padEnd(width)}  ${c.summary}`),
    "",
    "rollcall <command> --help shows a command's options. Every command reads the server's",
    "settings from the environment (README), or from:",
    SETTING_FLAGS,
  ].join("\n");
}

const SETTING_FLAGS = [
  "  --data-dir DIR       the server's ROLLCALL_DATA_DIR (SQLite)",
  "  --database-url URL   the server's ROLLCALL_DATABASE_URL (PostgreSQL)",
  "  --create             make a new empty database if none is there",
].join("\n");

/** The flags every command takes for the server's settings, turned into those settings. */
function withSettingFlags(
  parsed: Record<string, string | boolean | undefined>,
  env: NodeJS.ProcessEnv,
): { values: Record<string, string | boolean | undefined>; env: NodeJS.ProcessEnv } {
  const { "data-dir": dataDir, "database-url": databaseUrl, create, ...values } = parsed;
  const settings = { ...env };
  if (typeof dataDir === "string") settings.ROLLCALL_DATA_DIR = dataDir;
  if (typeof databaseUrl === "string") settings.ROLLCALL_DATABASE_URL = databaseUrl;
  if (create === true) settings.ROLLCALL_CLI_CREATE = "true";
  return { values, env: settings };
}

export async function runCli(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") {
    process.stdout.write(`${overview()}\n`);
    return argv.length === 0 ? 1 : 0;
  }
  const command = commands.find((c) => c.name.every((word, i) => argv[i] === word));
  if (!command) {
    // `rollcall platform` or `rollcall platform --help`: the commands of that group.
    const group = commands.some((c) => c.name[0] === argv[0]) ? argv[0] : undefined;
    const asked = group !== undefined && argv.slice(1).every((a) => a === "--help" || a === "-h");
    if (asked && argv.length > 1) {
      process.stdout.write(`${overview(group)}\n`);
      return 0;
    }
    process.stderr.write(`unknown command: ${argv.join(" ")}\n\n${overview(group)}\n`);
    return 2;
  }
  const rest = argv.slice(command.name.length);
  try {
    const { values, env: settings } = withSettingFlags(parseCommandArgs(command, rest), env);
    if (values.help) {
      process.stdout.write(`${command.summary}\n\nusage: ${command.usage}\n${SETTING_FLAGS}\n`);
      return 0;
    }
    return await command.run(values, settings);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(
        `rollcall ${command.name.join(" ")}: ${error.message}\nusage: ${command.usage}\n`,
      );
      return 2;
    }
    if (error instanceof ConfigError) {
      process.stderr.write(`rollcall: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

runCli(process.argv.slice(2), process.env).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `rollcall: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
