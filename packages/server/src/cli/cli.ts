// The `rollcall` command line: picks a command by its words and runs it.
import { ConfigError } from "../config/config.js";
import { type CliCommand, parseCommandArgs, UsageError } from "./cli-command.js";
import { exportCommand } from "./export-command.js";
import { migrateCommand } from "./migrate-command.js";
import { operatorCreateCommand } from "./operator-command.js";
import { platformCreateCommand, platformRotateSecretCommand } from "./platform-command.js";
import { sessionRevokeCommand } from "./session-command.js";
import { demoCommand, startCommand } from "./start-command.js";
import { tokenUserCommand, tokenViewerCommand } from "./token-commands.js";
import { userImportCommand } from "./user-import-command.js";

const commands: CliCommand[] = [
  startCommand,
  demoCommand,
  platformCreateCommand,
  platformRotateSecretCommand,
  tokenUserCommand,
  tokenViewerCommand,
  operatorCreateCommand,
  sessionRevokeCommand,
  userImportCommand,
  exportCommand,
  migrateCommand,
];

function overview(): string {
  const width = Math.max(...commands.map((c) => c.name.join(" ").length));
  return [
    "usage: rollcall <command> [options]",
    "",
    ...commands.map((c) => `  ${c.name.join(" ").padEnd(width)}  ${c.summary}`),
    "",
    "rollcall <command> --help shows a command's options.",
  ].join("\n");
}

export async function runCli(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") {
    process.stdout.write(`${overview()}\n`);
    return argv.length === 0 ? 1 : 0;
  }
  const command = commands.find((c) => c.name.every((word, i) => argv[i] === word));
  if (!command) {
    process.stderr.write(`unknown command: ${argv.join(" ")}\n\n${overview()}\n`);
    return 2;
  }
  const rest = argv.slice(command.name.length);
  try {
    const values = parseCommandArgs(command, rest);
    if (values.help) {
      process.stdout.write(`${command.summary}\n\nusage: ${command.usage}\n`);
      return 0;
    }
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
