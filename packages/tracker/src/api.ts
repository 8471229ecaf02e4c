// The tracker's public types, shared by the ESM entry and the script tag (no runtime code).

/**
 * Gets a fresh user token from the page (typically from the host platform's backend). The tracker
 * calls it shortly before its token expires (a minute before, or after nine tenths of a short
 * token's life), when the server says the token has expired, and when it has none. A result that is
 * not a non-empty string, an error or a rejection is ignored (logged with `debug`).
 */
export type TokenHook = () => string | Promise<string>;

export interface InitOptions {
  /**
   * User token (a JWT with `aud: "rollcall:track"`) signed by the host platform's backend. Without
   * one the tracker asks `getToken`, or waits for `identify`.
   */
  token?: string;
  /** Where fresh tokens come from once this one nears its expiry; see `TokenHook`. */
  getToken?: TokenHook;
  /** The app this page belongs to, if any. */
  app?: string;
  /** Rollcall's base URL, e.g. `https://rollcall.example.com`; defaults to this page's origin. */
  endpoint?: string;
  /** Logs what the tracker does and every error it swallows with `console.debug`. */
  debug?: boolean;
}

/** A running tracker. No method ever throws. */
export interface Rollcall {
  /** Sends an event (queued until the server acknowledges it, resent after reconnects). */
  track(name: string, props?: Record<string, unknown>): void;
  /** Sets the app later page views and events belong to; `null` for none. */
  setApp(id: string | null): void;
  /** Switches to another user token, e.g. after login or token renewal. */
  identify(token: string): void;
  /** Sets (or replaces) the hook the tracker gets fresh tokens from, as `getToken` does. */
  onTokenRefresh(getToken: TokenHook): void;
  /** Says goodbye to the server and stops watching the page. */
  stop(): void;
}
