// Builds what a tab sends (page, hello, event), clipped or refused to stay within the server's limits.
import type {
  EventMessage,
  HelloMessage,
  Page,
  PROTOCOL_VERSION,
  WIRE_LIMITS,
} from "@rollcall/protocol";

type Limits = typeof WIRE_LIMITS;
// Copies of protocol constants (the tracker may not import zod); the types pin them to the source.
const VERSION: typeof PROTOCOL_VERSION = 1;
const PATH_LENGTH: Limits["pathLength"] = 2048;
const TITLE_LENGTH: Limits["titleLength"] = 512;
const APP_LENGTH: Limits["appLength"] = 128;
const EVENT_NAME_LENGTH: Limits["eventNameLength"] = 128;
const PROPS_BYTES: Limits["propsBytes"] = 4096;

/** The parts of `location` a page path is made of. */
export type PathParts = Pick<Location, "pathname" | "search" | "hash">;

/** An app id as the server accepts it: empty means none, long ones are cut. */
export function appId(app: string | null | undefined): string | null {
  return app ? String(app).slice(0, APP_LENGTH) : null;
}

export function pageOf(where: PathParts, title: string, app: string | null): Page {
  return {
    path: (where.pathname + where.search + where.hash).slice(0, PATH_LENGTH) || "/",
    title: title.slice(0, TITLE_LENGTH),
    app,
  };
}

export interface HelloFacts {
  token: string;
  tab: string;
  page: Page;
  visible: boolean;
  inputAgoMs: number | undefined;
  ua: string;
  width: number;
  height: number;
}

export function helloMessage(f: HelloFacts): HelloMessage {
  return {
    t: "hello",
    v: VERSION,
    token: f.token,
    tab: f.tab,
    page: f.page,
    visible: f.visible,
    inputAgoMs: f.inputAgoMs,
    device: { ua: f.ua.slice(0, 512), width: f.width | 0, height: f.height | 0 },
  };
}

/**
 * An event for `track()`, or undefined when the server would refuse it (bad name, props that
 * are not a JSON object or too big), since a refused event would be resent forever.
 */
export function eventMessage(
  id: string,
  name: string,
  props: Record<string, unknown> | undefined,
  app: string | null,
  ts: number,
): EventMessage | undefined {
  if (typeof name !== "string" || !name || name.length > EVENT_NAME_LENGTH) return;
  let json: string | undefined;
  if (props !== undefined) {
    if (typeof props !== "object" || props === null || Array.isArray(props)) return;
    try {
      json = JSON.stringify(props);
    } catch {
      return; // cyclic or BigInt
    }
    if (new TextEncoder().encode(json).length > PROPS_BYTES) return;
  }
  // A copy, so the host changing its object later does not change what is resent.
  return {
    t: "event",
    id,
    name,
    ts,
    app,
    props: json === undefined ? undefined : JSON.parse(json),
  };
}
