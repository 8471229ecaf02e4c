// Events the server has not acknowledged yet: bounded, deduplicated, kept in sessionStorage.
import type { EventMessage } from "@rollcall/protocol";

/** The part of `Storage` the queue uses; sessionStorage in the browser, a fake in tests. */
export type KeyValueStore = Pick<Storage, "getItem" | "setItem">;

export interface EventQueue {
  /** Queues an event unless one with its id is already queued; drops the oldest beyond the bound. */
  add(event: EventMessage): void;
  /** Forgets events the server has stored. */
  ack(ids: readonly string[]): void;
  /** Queued events, oldest first. */
  list(): EventMessage[];
}

const isEvent = (x: unknown): x is EventMessage =>
  typeof x === "object" &&
  x !== null &&
  (x as EventMessage).t === "event" &&
  typeof (x as EventMessage).id === "string";

/**
 * A queue persisted under `key`, so a reload does not lose unsent events; storage that is
 * missing, full or holding garbage degrades to an in-memory queue.
 */
export function eventQueue(
  store: KeyValueStore | undefined,
  key = "rollcall.queue",
  max = 500,
): EventQueue {
  let items: EventMessage[] = [];
  try {
    const saved: unknown = JSON.parse(store?.getItem(key) ?? "[]");
    if (Array.isArray(saved)) items = saved.filter(isEvent).slice(-max);
  } catch {
    // unreadable: start empty
  }
  const save = () => {
    try {
      store?.setItem(key, JSON.stringify(items));
    } catch {
      // quota or privacy mode: keep the queue in memory only
    }
  };
  return {
    add(event) {
      if (items.some((e) => e.id === event.id)) return;
      items.push(event);
      if (items.length > max) items.splice(0, items.length - max);
      save();
    },
    ack(ids) {
      const before = items.length;
      items = items.filter((e) => !ids.includes(e.id));
      if (items.length !== before) save();
    },
    list: () => items.slice(),
  };
}
