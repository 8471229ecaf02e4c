// The tracker's public types, shared by the ESM entry and the script tag (no runtime code).

export interface InitOptions {
  /** User token (a JWT with `aud: "rollcall:track"`) signed by the host platform's backend. */
  token: string;
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
  /** Says goodbye to the server and stops watching the page. */
  stop(): void;
}
