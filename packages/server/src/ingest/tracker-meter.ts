// What the tracker transports count for /metrics: messages received and refusals, as plain numbers.
import type { ClientMessage } from "@rollcall/protocol";
import type { Transport } from "../presence/engine/types.js";

type MessageType = ClientMessage["t"];

const MESSAGE_TYPES: readonly MessageType[] = [
  "hello",
  "identify",
  "page",
  "state",
  "input",
  "hb",
  "event",
  "bye",
];

/**
 * Counts kept on the hot path as a field increment each (a heartbeat is nine frames in ten);
 * the metrics registry reads them when scraped. Refusal codes are AppError codes: a bounded set.
 */
export class TrackerMeter {
  readonly received: Record<Transport, Record<MessageType, number>> = {
    ws: zeroPerType(),
    http: zeroPerType(),
  };
  readonly refused: Record<Transport, Map<string, number>> = { ws: new Map(), http: new Map() };

  /** A message a tracker sent, once decoded (its type known). */
  message(transport: Transport, type: MessageType): void {
    this.received[transport][type]++;
  }

  /** A socket, a message or an event refused, by the error code the tracker was told. */
  refusal(transport: Transport, code: string): void {
    const counts = this.refused[transport];
    counts.set(code, (counts.get(code) ?? 0) + 1);
  }
}

function zeroPerType(): Record<MessageType, number> {
  return Object.fromEntries(MESSAGE_TYPES.map((type) => [type, 0])) as Record<MessageType, number>;
}
