// Script-tag entry: starts the tracker from the tag's data-* attributes and exposes `window.rollcall`.
import type { Rollcall } from "./api.js";
import { init } from "./index.js";

type Method = keyof Rollcall;
/** `window.rollcall`: the tracker's methods, also callable as `rollcall("track", name, props)`. */
type Global = ((method: Method, ...args: unknown[]) => void) & Rollcall;
/** What a page may set before the script loads: a function queuing its calls in `q`. */
type Stub = { q?: ArrayLike<unknown>[] };

try {
  const w = window as unknown as { rollcall?: Global | Stub };
  const script = (document.currentScript ||
    document.querySelector("script[data-token]")) as HTMLScriptElement | null;
  const data = script?.dataset || {};
  const queued = (w.rollcall as Stub | undefined)?.q || [];
  const tracker = init({
    token: data.token || "",
    app: data.app,
    endpoint: data.endpoint || (script?.src ? new URL(script.src).origin : undefined),
    debug: data.debug != null,
  });
  const call = (method: Method, ...args: unknown[]) => {
    try {
      (tracker[method] as (...a: unknown[]) => void)(...args);
    } catch {
      // unknown method: ignore, as the methods themselves do with bad arguments
    }
  };
  w.rollcall = Object.assign(call, tracker);
  for (const args of Array.from(queued)) call(...(Array.from(args) as [Method, ...unknown[]]));
} catch {
  // never break the host page
}
