// Caps the connections one peer address holds on the HTTP server, counted as they are accepted.
import type { Server } from "node:http";
import type { Socket } from "node:net";
import { AppError } from "../errors/app-error.js";
import { ConnectionCounter } from "../ingest/tracker-limits.js";
import { rawErrorResponse } from "./http-io.js";

/**
 * Counts every connection `server` accepts by its TCP peer address until it closes (it keeps
 * its slot if it becomes a tracker socket: the file descriptor is what is being bounded). One
 * over `max` gets a raw 429 before anything of it is read, and is closed once that is written.
 * Returns the count of an address, for tests and health.
 */
export function limitConnectionsPerAddress(
  server: Server,
  max: number,
): { count: (address: string) => number } {
  const counter = new ConnectionCounter(max);
  // One listener for every socket, no closure or `once` wrapper each: tracker sockets stay
  // counted for their whole life, and every byte per tab counts at 100,000 tabs. The address
  // read at accept is kept by the socket (Node caches its peer name), so it reads the same here.
  function release(this: Socket): void {
    const address = this.remoteAddress;
    if (address !== undefined) counter.remove(address);
  }
  server.on("connection", (socket: Socket) => {
    const address = socket.remoteAddress;
    // Already gone (reset before it was accepted): nothing to count.
    if (address === undefined) return;
    if (counter.tryAdd(address)) {
      socket.on("close", release);
      return;
    }
    // Nothing of it is read: the HTTP parser would take a request from it otherwise.
    socket.pause();
    const refusal = new AppError(
      "rate_limited",
      `too many connections from this address (limit ${max}); close some and retry`,
    );
    socket.end(rawErrorResponse(refusal, { "retry-after": "1" }), () => socket.destroy());
  });
  return { count: (address) => counter.count(address) };
}
