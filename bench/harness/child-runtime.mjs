// The generator side of the IPC protocol: read the config, answer commands, report errors.

/** @returns {Record<string, any>} */
export function readConfig() {
  const raw = process.env.BENCH_CONFIG;
  if (!raw) throw new Error("BENCH_CONFIG is not set: generators are started by bench/run.mjs");
  return JSON.parse(raw);
}

/** @param {Record<string, unknown>} message */
export function reply(message) {
  process.send?.(message);
}

/**
 * Routes orchestrator commands to handlers; a failing handler reports an error message.
 * @param {Record<string, (command: Record<string, any>) => Promise<void> | void>} handlers
 */
export function onCommands(handlers) {
  process.on("message", (/** @type {any} */ command) => {
    const handler = handlers[command?.cmd];
    if (!handler) {
      reply({ type: "error", message: `unknown command ${String(command?.cmd)}` });
      return;
    }
    Promise.resolve()
      .then(() => handler(command))
      .catch((/** @type {unknown} */ error) =>
        reply({ type: "error", message: error instanceof Error ? error.message : String(error) }),
      );
  });
  // The orchestrator went away: never outlive it.
  process.on("disconnect", () => process.exit(0));
  process.on("SIGTERM", () => process.exit(0));
}

/** Microseconds since the epoch, comparable between processes on this machine. */
export function nowMicros() {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}
