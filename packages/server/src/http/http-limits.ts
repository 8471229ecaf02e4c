// What one HTTP client may hold: connections per address, time to send a request, idle keep-alive.

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
}

export const HTTP_LIMITS: HttpLimits = {
  // Room for the 2,000 tracker sockets one address may hold, and as many keep-alive connections
  // beside them (a NAT of a thousand browsers, each loading tracker.js or posting batches).
  connectionsPerAddress: 4_000,
  headersTimeoutMs: 20_000,
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 65_000,
  timeoutCheckEveryMs: 5_000,
};
