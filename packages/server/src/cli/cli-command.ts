// The shape of a CLI command and the argument parsing every command shares.
import { type ParseArgsConfig, parseArgs } from "node:util";

export interface CliCommand {
  /** Words that select it, e.g. ["token", "user"]. */
  name: string[];
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig["options"]>;
  run(
    values: Record<string, string | boolean | undefined>,
    env: NodeJS.ProcessEnv,
  ): Promise<number>;
}

export class UsageError extends Error {
  override name = "UsageError";
}

export function parseCommandArgs(
  command: CliCommand,
  args: string[],
): Record<string, string | boolean | undefined> {
  try {
    const { values } = parseArgs({
      args,
      options: {
        ...command.options,
        help: { type: "boolean", short: "h" },
        "data-dir": { type: "string" },
        "database-url": { type: "string" },
        create: { type: "boolean" },
      },
      allowPositionals: false,
      strict: true,
    });
    return values as Record<string, string | boolean | undefined>;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export function requireString(
  values: Record<string, string | boolean | undefined>,
  name: string,
): string {
  const value = values[name];
  if (typeof value !== "string" || value.length === 0)
    throw new UsageError(`--${name} is required`);
  return value;
}
