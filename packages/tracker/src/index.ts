// ESM entry: `init()` starts tracking this tab and returns the tracker's handle.
import type { InitOptions, Rollcall } from "./api.js";
import { createTracker } from "./tracker.js";

export type { InitOptions, Rollcall, TokenHook } from "./api.js";

let current: Rollcall | undefined;

/**
 * Starts tracking this tab: presence, page changes and events. Calling it again stops the
 * previous tracker first, so a page never runs two. Never throws; with `debug`, logs instead.
 */
export function init(options: InitOptions): Rollcall {
  current?.stop();
  try {
    current = createTracker(options);
  } catch (error) {
    if (options?.debug) console.debug("[rollcall]", error);
    const ignore = () => {};
    current = {
      track: ignore,
      setApp: ignore,
      identify: ignore,
      onTokenRefresh: ignore,
      stop: ignore,
    };
  }
  return current;
}
