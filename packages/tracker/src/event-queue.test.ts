import type { EventMessage } from "@rollcall/protocol";
import { describe, expect, it } from "vitest";
import { eventQueue, type KeyValueStore } from "./event-queue.js";

const event = (id: string): EventMessage => ({ t: "event", id, name: "message", ts: 1, app: null });
const ids = (events: EventMessage[]) => events.map((e) => e.id);

function memoryStore(
  initial: Record<string, string> = {},
): KeyValueStore & { data: typeof initial } {
  const data = { ...initial };
  return {
    data,
    getItem: (key) => data[key] ?? null,
    setItem: (key, value) => {
      data[key] = value;
    },
  };
}

describe("eventQueue", () => {
  it("keeps events in order until they are acknowledged", () => {
    const queue = eventQueue(memoryStore());
    queue.add(event("a"));
    queue.add(event("b"));
    queue.add(event("c"));
    queue.ack(["b", "unknown"]);
    expect(ids(queue.list())).toEqual(["a", "c"]);
    queue.ack(["a", "c"]);
    expect(queue.list()).toEqual([]);
  });

  it("queues an id once", () => {
    const queue = eventQueue(memoryStore());
    queue.add(event("a"));
    queue.add({ ...event("a"), name: "other" });
    expect(queue.list()).toEqual([event("a")]);
  });

  it("drops the oldest events beyond its bound", () => {
    const queue = eventQueue(memoryStore(), "q", 3);
    for (const id of ["a", "b", "c", "d", "e"]) queue.add(event(id));
    expect(ids(queue.list())).toEqual(["c", "d", "e"]);
  });

  it("survives a reload through the store", () => {
    const store = memoryStore();
    const before = eventQueue(store, "q");
    before.add(event("a"));
    before.add(event("b"));
    before.ack(["a"]);
    expect(ids(eventQueue(store, "q").list())).toEqual(["b"]);
  });

  it("starts empty from garbage in the store and keeps only events from a mixed list", () => {
    expect(eventQueue(memoryStore({ q: "{not json" }), "q").list()).toEqual([]);
    expect(eventQueue(memoryStore({ q: '{"t":"event"}' }), "q").list()).toEqual([]);
    const mixed = JSON.stringify([event("a"), null, { t: "hb" }, { t: "event" }, event("b")]);
    expect(ids(eventQueue(memoryStore({ q: mixed }), "q").list())).toEqual(["a", "b"]);
  });

  it("keeps working in memory when the store throws", () => {
    const broken: KeyValueStore = {
      getItem: () => {
        throw new Error("SecurityError");
      },
      setItem: () => {
        throw new Error("QuotaExceededError");
      },
    };
    const queue = eventQueue(broken);
    queue.add(event("a"));
    expect(ids(queue.list())).toEqual(["a"]);
    expect(ids(eventQueue(undefined).list())).toEqual([]);
  });

  it("hands out copies of its list", () => {
    const queue = eventQueue(undefined);
    queue.add(event("a"));
    queue.list().pop();
    expect(ids(queue.list())).toEqual(["a"]);
  });
});
