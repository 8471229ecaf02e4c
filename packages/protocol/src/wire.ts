// The tracker protocol: messages between a browser tab and the server, over WebSocket or HTTP.
import { z } from "zod";

/** Version of the tracker protocol; the server refuses a hello of another version. */
export const PROTOCOL_VERSION = 1;

/** Limits the server enforces on what a tracker sends. */
export const WIRE_LIMITS = {
  pathLength: 2048,
  titleLength: 512,
  appLength: 128,
  tabLength: 64,
  eventIdLength: 64,
  eventNameLength: 128,
  propsBytes: 4096,
  tokenLength: 4096,
  frameBytes: 16384,
  batchMessages: 100,
} as const;

export const pageSchema = z.object({
  path: z.string().min(1).max(WIRE_LIMITS.pathLength),
  title: z.string().max(WIRE_LIMITS.titleLength),
  app: z.string().min(1).max(WIRE_LIMITS.appLength).nullable().optional(),
});
/** Where a tab is: path (pathname, search and hash), document title, app if any. */
export type Page = z.infer<typeof pageSchema>;

export const deviceSchema = z.object({
  ua: z.string().max(512).optional(),
  width: z.number().int().min(0).max(100000).optional(),
  height: z.number().int().min(0).max(100000).optional(),
});
export type Device = z.infer<typeof deviceSchema>;

const tabSchema = z
  .string()
  .min(8)
  .max(WIRE_LIMITS.tabLength)
  .regex(/^[A-Za-z0-9_-]+$/, "letters, digits, - and _ only");

export const helloSchema = z.object({
  t: z.literal("hello"),
  v: z.literal(PROTOCOL_VERSION),
  token: z.string().min(1).max(WIRE_LIMITS.tokenLength),
  /** Tab id, kept in sessionStorage so a reload is the same connection. */
  tab: tabSchema,
  page: pageSchema,
  visible: z.boolean(),
  /** Milliseconds since the last user input in this tab. */
  inputAgoMs: z.number().int().min(0).optional(),
  device: deviceSchema.optional(),
});
export type HelloMessage = z.infer<typeof helloSchema>;

export const pageMessageSchema = z.object({ t: z.literal("page"), page: pageSchema });
export type PageMessage = z.infer<typeof pageMessageSchema>;

export const stateMessageSchema = z.object({ t: z.literal("state"), visible: z.boolean() });
export type StateMessage = z.infer<typeof stateMessageSchema>;

/** The user did something in the tab (key, pointer, scroll, focus); sent throttled. */
export const inputMessageSchema = z.object({ t: z.literal("input") });
export type InputMessage = z.infer<typeof inputMessageSchema>;

export const heartbeatMessageSchema = z.object({ t: z.literal("hb") });
export type HeartbeatMessage = z.infer<typeof heartbeatMessageSchema>;

/** Deepest nesting possible within `propsBytes` of JSON (each level costs at least 2 bytes). */
const PROPS_MAX_DEPTH = WIRE_LIMITS.propsBytes / 2;

/** Nesting depth of a parsed JSON value, without recursion (a hostile value may be very deep). */
function depthOf(value: unknown, stopAt: number): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (typeof item !== "object" || item === null) continue;
    if (depth > deepest) deepest = depth;
    if (deepest > stopAt) return deepest;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return deepest;
}

const utf8 = new TextEncoder();

/** Event properties: a JSON object of at most `propsBytes` bytes as JSON. */
export const propsSchema = z.record(z.string(), z.unknown()).superRefine((props, ctx) => {
  // Depth first: serialising a very deep value would overflow the stack.
  const isTooBig =
    depthOf(props, PROPS_MAX_DEPTH) > PROPS_MAX_DEPTH ||
    utf8.encode(JSON.stringify(props)).length > WIRE_LIMITS.propsBytes;
  if (isTooBig) {
    ctx.addIssue({
      code: "custom",
      message: `over ${WIRE_LIMITS.propsBytes} bytes as JSON`,
    });
  }
});

export const eventMessageSchema = z.object({
  t: z.literal("event"),
  /** Client-made id; a repeated id is stored once. */
  id: z.string().min(1).max(WIRE_LIMITS.eventIdLength),
  name: z.string().min(1).max(WIRE_LIMITS.eventNameLength),
  /** When it happened, milliseconds since the epoch. */
  ts: z.number().int().min(0),
  app: z.string().min(1).max(WIRE_LIMITS.appLength).nullable().optional(),
  props: propsSchema.optional(),
});
export type EventMessage = z.infer<typeof eventMessageSchema>;

export const identifyMessageSchema = z.object({
  t: z.literal("identify"),
  token: z.string().min(1).max(WIRE_LIMITS.tokenLength),
});
export type IdentifyMessage = z.infer<typeof identifyMessageSchema>;

/** The tab is going away (pagehide); the connection ends now rather than at heartbeat timeout. */
export const byeMessageSchema = z.object({ t: z.literal("bye") });
export type ByeMessage = z.infer<typeof byeMessageSchema>;

export const clientMessageSchema = z.discriminatedUnion("t", [
  helloSchema,
  pageMessageSchema,
  stateMessageSchema,
  inputMessageSchema,
  heartbeatMessageSchema,
  eventMessageSchema,
  identifyMessageSchema,
  byeMessageSchema,
]);
/** Anything a tracker sends. */
export type ClientMessage = z.infer<typeof clientMessageSchema>;

/** First server frame after a valid hello: the settings the tracker must follow. */
export const welcomeMessageSchema = z.object({
  t: z.literal("welcome"),
  v: z.literal(PROTOCOL_VERSION),
  conn: z.string(),
  user: z.string(),
  heartbeatMs: z.number().int().min(0),
  inputThrottleMs: z
    .number()
    .int()
    .min(0)
    .describe("Input is reported at most this often while the tab is in use"),
  idleMs: z.number().int().min(0),
  tokenExpiresAt: z
    .number()
    .int()
    .describe(
      "When the token of this connection expires (ms since the epoch). Before then the tracker sends `identify` with a fresh token from the page (its `getToken` hook); a socket still on an expired token gets `reauth`, then close 4401 after `graceMs`",
    ),
});
export type WelcomeMessage = z.infer<typeof welcomeMessageSchema>;
/** The connection's token has expired: send `identify` with a fresh one within `graceMs`. */
export interface ReauthMessage {
  t: "reauth";
  graceMs: number;
}
/** These event ids are durable; the tracker may forget them. */
export interface AckMessage {
  t: "ack";
  ids: string[];
}
export interface ErrorMessage {
  t: "error";
  code: string;
  message: string;
  /**
   * The event this error refuses, when it is about one event (a timestamp out of bounds): the
   * server will never store it, so the tracker drops it from its queue. The socket stays open.
   */
  id?: string;
}
export type ServerMessage = WelcomeMessage | ReauthMessage | AckMessage | ErrorMessage;

/** `POST /api/v1/track`: the HTTP transport, for when WebSockets are blocked. */
export const trackBatchSchema = z.object({
  hello: helloSchema,
  messages: z.array(clientMessageSchema).max(WIRE_LIMITS.batchMessages),
});
export type TrackBatch = z.infer<typeof trackBatchSchema>;
/** An event of a batch that the server will never store: the tracker drops it from its queue. */
export const refusedEventSchema = z.object({
  id: z.string(),
  code: z.string().describe("`unprocessable`: its `ts` is out of bounds"),
  message: z.string().describe("Names the field: `messages[3].ts: in the future (…)`"),
});
export type RefusedEvent = z.infer<typeof refusedEventSchema>;

/** The answer to `POST /api/v1/track`. */
export const trackBatchResponseSchema = z.object({
  welcome: welcomeMessageSchema,
  acks: z.array(z.string()).describe("Events now durable: the tracker may forget them"),
  refused: z
    .array(refusedEventSchema)
    .describe("Events refused one by one; the rest of the batch is applied as usual"),
});
export type TrackBatchResponse = z.infer<typeof trackBatchResponseSchema>;

/** WebSocket close codes the server uses; a tracker reconnects unless told the token is bad. */
export const CLOSE_CODES = {
  /** Server going down or restarting: reconnect soon. */
  restart: 1012,
  badToken: 4001,
  /** The token expired and no fresh one came within the grace period: get one, then reconnect. */
  tokenExpired: 4401,
  forbidden: 4003,
  badMessage: 4400,
  /** No hello in time, or nothing received for 2 × heartbeat. */
  timeout: 4408,
  rateLimited: 4429,
} as const;
