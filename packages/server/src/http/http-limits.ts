// What HTTP clients may hold: connections and body bytes per address, time to send a request, idle keep-alive.

export interface HttpLimits {
  /**
   * Open TCP connections from one peer address, of every kind: plain HTTP, and those that became
   * tracker sockets (which have their own cap inside this one, TRACKER_LIMITS). Not applied
   * behind a trusted proxy, where every connection comes from the proxy.
   */
  connectionsPerAddress: number;
  /** A request's headers must arrive within this long of its first byte (or of the connection). */
  headersTimeoutMs: number;
  /** The whole request, body included, within this long. */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this long (above common proxies' 60 s). */
  keepAliveTimeoutMs: number;
  /** How often the two timeouts above are checked: a slow sender is cut up to this much late. */
  timeoutCheckEveryMs: number;
  /**
   * Bytes of request bodies being read at once from one client address (body-budget.ts): the
   * TCP peer, or behind a trusted proxy the address it forwards (each client has its own share).
   */
  bodyBytesPerAddress: number;
  /** Bytes of request bodies being read at once, all clients together. */
  bodyBytesInFlight: number;
}

export const HTTP_LIMITS: HttpLimits = {
  // Room for the 2,000 tracker sockets one address may hold, and as many keep-alive connections
  // beside them (a NAT of a thousand browsers, each loading tracker.js or posting batches).
  connectionsPerAddress: 4_000,
  headersTimeoutMs: 20_000,
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 65_000,
  timeoutCheckEveryMs: 5_000,
  // Four of the largest body (a backend's 4 MB event batch) at once, or ten full tracker batches;
  // the bench's backend posts 32 batches of ~8 KB at a time (256 KB), a NAT of tabs a few KB each.
  bodyBytesPerAddress: 16 * 1_048_576,
  // What an attack may add to the process's memory (with the copies a parse makes of one body at
  // a time, within the ~100 MB promised); four addresses at their share fill it, a fifth gets 503.
  bodyBytesInFlight: 64 * 1_048_576,
};
