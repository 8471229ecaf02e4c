// A presence engine on a clock that moves only when told, and the events its tests feed it.
import type { Page } from "@rollcall/protocol";
import { expect } from "vitest";
import { applyPresenceEvent, createPresenceState, viewUser } from "../presence/engine/engine.js";
import type {
  ConnectionKey,
  PresenceChange,
  PresenceEvent,
  PresenceRules,
  Transport,
} from "../presence/engine/types.js";

export const rules: PresenceRules = {
  heartbeatMs: 15_000,
  httpLiveMs: 45_000,
  idleMs: 300_000,
  graceMs: 120_000,
};
export const PLATFORM = "default";
export const TAB_A = "tab-aaaaaaaa";
export const TAB_B = "tab-bbbbbbbb";

export function key(tab = TAB_A, user = "ada"): ConnectionKey {
  return { platform: PLATFORM, user, tab };
}

export function page(path: string, app?: string | null, title = path): Page {
  return app === undefined ? { path, title } : { path, title, app };
}

interface ConnectOptions {
  tab?: string;
  user?: string;
  page?: Page;
  transport?: Transport;
  isVisible?: boolean;
  inputAgoMs?: number;
}

export function connect(options: ConnectOptions = {}): PresenceEvent {
  return {
    type: "connect",
    key: key(options.tab, options.user),
    transport: options.transport ?? "ws",
    page: options.page ?? page("/home"),
    isVisible: options.isVisible ?? true,
    inputAgoMs: options.inputAgoMs ?? 0,
  };
}

/** An engine and a clock that only moves when told. */
export function setup() {
  const state = createPresenceState(rules);
  let now = 0;
  const apply = (event: PresenceEvent): PresenceChange[] => applyPresenceEvent(state, event, now);
  return {
    state,
    at(time: number) {
      expect(time).toBeGreaterThanOrEqual(now);
      now = time;
      return { apply };
    },
    view: (user = "ada") => viewUser(state, PLATFORM, user, now),
    /**
     * Ticks every second up to `until`, the given tabs heart-beating every 15 s;
     * returns everything the engine decided on the way.
     */
    run(until: number, beating: ConnectionKey[] = []): PresenceChange[] {
      const changes: PresenceChange[] = [];
      for (let t = Math.floor(now / 1000) * 1000 + 1000; t <= until; t += 1000) {
        now = t;
        if (t % rules.heartbeatMs === 0) {
          for (const k of beating) changes.push(...apply({ type: "heartbeat", key: k }));
        }
        changes.push(...apply({ type: "tick" }));
      }
      return changes;
    },
  };
}
