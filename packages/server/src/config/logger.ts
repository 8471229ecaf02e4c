// The server's log: human lines in a terminal, JSON Lines everywhere else (or when asked), never
// both in one stream.
import pino, { type Logger } from "pino";
import PinoPretty from "pino-pretty";
import type { Config } from "./config.js";

/** Whether the log is written as human lines: asked for, or `auto` on a terminal. */
export function isPrettyLog(config: Pick<Config, "logFormat">, isTerminal: boolean): boolean {
  return config.logFormat === "pretty" || (config.logFormat === "auto" && isTerminal);
}

export function createLogger(
  config: Pick<Config, "logFormat" | "logLevel">,
  isTerminal = process.stdout.isTTY === true,
): Logger {
  if (!isPrettyLog(config, isTerminal)) return pino({ level: config.logLevel });
  const pretty = PinoPretty({
    colorize: isTerminal,
    translateTime: "SYS:HH:MM:ss",
    ignore: "pid,hostname",
    singleLine: true,
    sync: true,
  });
  return pino({ level: config.logLevel }, pretty);
}
