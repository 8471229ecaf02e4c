// Child processes of a benchmark run: started here, talked to over IPC, all killed at the end.
import { fork, spawn } from "node:child_process";

/** @type {Set<import("node:child_process").ChildProcess>} */
const running = new Set();

/**
 * Starts a Node script as a child with an IPC channel; `config` reaches it as BENCH_CONFIG.
 * @param {string} script absolute path
 * @param {Record<string, unknown>} config
 * @param {{ execArgv?: string[], env?: Record<string, string> }} [options]
 */
export function forkChild(script, config, options = {}) {
  const child = fork(script, [], {
    execArgv: options.execArgv ?? [],
    env: { ...process.env, ...options.env, BENCH_CONFIG: JSON.stringify(config) },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  track(child);
  return child;
}

/**
 * Starts a command whose output is kept (for the server process, read through stdout/stderr).
 * @param {string} command
 * @param {string[]} args
 * @param {{ env: Record<string, string | undefined>, cwd?: string }} options
 */
export function spawnChild(command, args, options) {
  const child = spawn(command, args, {
    env: options.env,
    cwd: options.cwd,
    stdio: ["ignore", "pipe", "pipe"],
  });
  track(child);
  return child;
}

/** @param {import("node:child_process").ChildProcess} child */
function track(child) {
  running.add(child);
  child.once("exit", () => running.delete(child));
}

/**
 * The next IPC message of `type` from `child`; rejects on timeout or if the child exits first.
 * @param {import("node:child_process").ChildProcess} child
 * @param {string} type
 * @param {number} timeoutMs
 * @returns {Promise<Record<string, any>>}
 */
export function nextMessage(child, type, timeoutMs) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no "${type}" from child ${child.pid} within ${timeoutMs} ms`));
    }, timeoutMs);
    /** @param {any} message */
    const onMessage = (message) => {
      if (message?.type === "error") {
        cleanup();
        reject(new Error(`child ${child.pid}: ${message.message}`));
      } else if (message?.type === type) {
        cleanup();
        resolve(message);
      }
    };
    /** @param {number | null} code */
    const onExit = (code) => {
      cleanup();
      reject(new Error(`child ${child.pid} exited (${code}) before "${type}"`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.off("message", onMessage);
      child.off("exit", onExit);
    };
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}

/**
 * Sends a command and waits for its answer of `reply` type.
 * @param {import("node:child_process").ChildProcess} child
 * @param {Record<string, unknown>} command
 * @param {string} reply
 * @param {number} timeoutMs
 */
export function ask(child, command, reply, timeoutMs) {
  const answer = nextMessage(child, reply, timeoutMs);
  child.send(command);
  return answer;
}

/**
 * Stops a child: SIGTERM, then SIGKILL after `graceMs`. Resolves to whether it had to be killed.
 * @param {import("node:child_process").ChildProcess} child
 * @param {number} [graceMs]
 */
export async function stopChild(child, graceMs = 5_000) {
  if (child.exitCode !== null || child.signalCode !== null) return false;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  let isKilled = false;
  child.kill("SIGTERM");
  const timer = setTimeout(() => {
    isKilled = true;
    child.kill("SIGKILL");
  }, graceMs);
  await exited;
  clearTimeout(timer);
  return isKilled;
}

/** Stops every child still running (each by its own handle). */
export async function stopAllChildren() {
  await Promise.all([...running].map((child) => stopChild(child, 3_000)));
}

/** Kills what is left synchronously: for process exit paths that cannot wait. */
export function killAllChildrenNow() {
  for (const child of running) child.kill("SIGKILL");
}
