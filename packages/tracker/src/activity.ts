// Watches the host page: user input, visibility, navigation (history API, popstate, hashchange), title.

/** What the tracker does when the page tells it something; each call must not throw. */
export interface ActivityHandlers {
  input(): void;
  visibility(): void;
  /** The path or title may have changed. */
  page(): void;
  /** `pagehide`: the tab is going away or into the back/forward cache. */
  hide(): void;
  /** `pageshow` back from the back/forward cache. */
  show(): void;
}

/** Fired on `window` after `history.pushState` / `replaceState`. */
const NAVIGATE = "rollcall:navigate";
const INPUT_EVENTS = "keydown pointerdown pointermove scroll wheel touchstart focus";

/** Patches the history API once per page, however many trackers or bundles run. */
function patchHistory(): void {
  const h: History & { rollcallPatched?: boolean } = history;
  if (h.rollcallPatched) return;
  h.rollcallPatched = true;
  for (const method of ["pushState", "replaceState"] as const) {
    const original = h[method];
    h[method] = function (this: History, ...args: Parameters<History["pushState"]>) {
      original.apply(this, args);
      dispatchEvent(new Event(NAVIGATE));
    };
  }
}

/** Starts watching; returns a function that stops (the history patch stays, inert). */
export function watchActivity(on: ActivityHandlers): () => void {
  const stops: (() => void)[] = [];
  const listen = (target: EventTarget, types: string, fn: (e: Event) => void) => {
    const options = { capture: true, passive: true };
    for (const type of types.split(" ")) {
      target.addEventListener(type, fn, options);
      stops.push(() => target.removeEventListener(type, fn, options));
    }
  };
  patchHistory();
  listen(window, INPUT_EVENTS, on.input);
  listen(document, "visibilitychange", on.visibility);
  listen(window, `popstate hashchange ${NAVIGATE}`, on.page);
  listen(window, "pagehide", on.hide);
  listen(window, "pageshow", (e) => (e as PageTransitionEvent).persisted && on.show());
  if (typeof MutationObserver === "function") {
    // Catches document.title changes; the heartbeat also compares, for titles set in odd ways.
    const observer = new MutationObserver(on.page);
    observer.observe(document.head || document.documentElement, {
      subtree: true,
      childList: true,
      characterData: true,
    });
    stops.push(() => observer.disconnect());
  }
  return () => {
    for (const stop of stops) stop();
  };
}
