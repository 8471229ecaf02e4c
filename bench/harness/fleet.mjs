// A group of generator processes sharing one load: each takes a slice and its own source address.
import { join } from "node:path";
import { ask, forkChild, nextMessage, stopChild } from "./children.mjs";
import { ROOT } from "./servers.mjs";

/** Most sockets one generator process holds (the machine allows 20,000 open files per process). */
export const SOCKETS_PER_GENERATOR = 4_000;

/**
 * Rollcall accepts at most 2,000 tracker sockets per client address (TRACKER_LIMITS), as a NAT
 * would share one; the load comes from several loopback addresses, each below that.
 */
export const SOCKETS_PER_ADDRESS = 1_900;

/**
 * Source address of generator `index`: 127.0.0.2, 127.0.0.3, … (spreads ephemeral ports).
 * @param {number} index
 */
export function sourceAddress(index) {
  return `127.0.0.${2 + (index % 250)}`;
}

/**
 * Rollcall takes at most 100 POST /api/v1/track per second from one address (burst 200): the
 * HTTP-transport load puts 100 tabs behind each address, a small office's NAT.
 */
export const HTTP_TABS_PER_ADDRESS = 100;

/**
 * Source address of tab `index` of a load: `perAddress` tabs per address, from 127.0.0.`base` up.
 * @param {number} index
 * @param {number} [base] first address's last octet
 * @param {number} [perAddress]
 */
export function tabAddress(index, base = 2, perAddress = SOCKETS_PER_ADDRESS) {
  const octet = base + Math.floor(index / perAddress);
  if (octet > 254) throw new Error(`tab ${index}: no loopback address left (127.0.0.${octet})`);
  return `127.0.0.${octet}`;
}

/**
 * Starts `processes` copies of a generator; `configOf(index)` gives each its config.
 * @param {string} script path under bench/generators
 * @param {number} processes
 * @param {(index: number) => Record<string, unknown>} configOf
 */
export async function startFleet(script, processes, configOf) {
  const children = Array.from({ length: processes }, (_, index) =>
    forkChild(join(ROOT, "bench/generators", script), configOf(index)),
  );
  await Promise.all(children.map((child) => nextMessage(child, "ready", 15_000)));
  return {
    children,
    /**
     * Sends a command to every generator and gathers their answers.
     * @param {Record<string, unknown>} command
     * @param {string} reply
     * @param {number} timeoutMs
     */
    askAll(command, reply, timeoutMs) {
      return Promise.all(children.map((child) => ask(child, command, reply, timeoutMs)));
    },
    /**
     * Commands that differ per generator.
     * @param {(index: number) => Record<string, unknown>} commandOf
     * @param {string} reply
     * @param {number} timeoutMs
     */
    askEach(commandOf, reply, timeoutMs) {
      return Promise.all(children.map((child, i) => ask(child, commandOf(i), reply, timeoutMs)));
    },
    stop() {
      return Promise.all(children.map((child) => stopChild(child)));
    },
  };
}

/**
 * Splits `total` into `parts` near-equal slices: [{ first, count }].
 * @param {number} total
 * @param {number} parts
 */
export function slices(total, parts) {
  const size = Math.ceil(total / parts);
  return Array.from({ length: parts }, (_, i) => ({
    first: i * size,
    count: Math.max(0, Math.min(size, total - i * size)),
  }));
}
