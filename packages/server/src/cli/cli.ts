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
  platformSecretCommand,
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
  platformSecretCommand,
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
    "settings from the environment (README); --data-dir DIR stands for ROLLCALL_DATA_DIR.",
  ].join("\n");
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
    const { "data-dir": dataDir, ...values } = parseCommandArgs(command, rest);
    if (values.help) {
      process.stdout.write(`${command.summary}\n\nusage: ${command.usage} [--data-dir DIR]\n`);
      return 0;
    }
    if (typeof dataDir === "string") env = { ...env, ROLLCALL_DATA_DIR: dataDir };
    return await command.run(values, env);
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
