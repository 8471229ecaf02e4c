// Copies the engine may change freely, and a held user brought up to date in place.
import { describe, expect, it } from "vitest";
import { applyPresenceEvent, createPresenceState } from "../engine/engine.js";
import { findUser, type PresenceState } from "../engine/state.js";
import type { ConnectionKey, PresenceEvent } from "../engine/types.js";
import { CONTRACT_RULES } from "../store/presence-store-contract.js";
import { encodeUser } from "./presence-codec.js";
import { copyUser, mergeUser } from "./user-copy.js";

const T0 = 1_700_000_000_000;
const home = { path: "/", title: "Home", app: "lms" };
const key = (tab: string): ConnectionKey => ({ platform: "p", user: "ada", tab });
const connect = (tab: string): PresenceEvent => ({
  type: "connect",
  key: key(tab),
  transport: "ws",
  page: home,
  isVisible: true,
  inputAgoMs: 0,
});

/** ada's state after `events`, each a millisecond after the last. */
function adaAfter(events: PresenceEvent[], state = createPresenceState(CONTRACT_RULES)) {
  for (const [i, event] of events.entries()) applyPresenceEvent(state, event, T0 + i);
  return state;
}

const ada = (state: PresenceState) => findUser(state, "p", "ada")!;

describe("copyUser", () => {
  it("gives a copy whose changes leave the original as it was", () => {
    const state = adaAfter([connect("t1")]);
    const before = encodeUser(ada(state), {});
    const copy = copyUser(ada(state));
    const other = createPresenceState(CONTRACT_RULES);
    other.platforms.set("p", new Map([["ada", copy]]));
    applyPresenceEvent(other, { type: "page", key: key("t1"), page: { ...home, path: "/x" } }, T0);
    applyPresenceEvent(other, connect("t2"), T0 + 1);
    applyPresenceEvent(other, { type: "disconnect", key: key("t1") }, T0 + 2);
    expect(encodeUser(ada(state), {})).toBe(before);
    expect(encodeUser(copy, {})).not.toBe(before);
  });
});

describe("mergeUser", () => {
  it("ends equal to the newer value, keeping the objects of what did not change", () => {
    const held = ada(adaAfter([connect("t1"), connect("t2")]));
    const next = copyUser(held);
    const nextState = createPresenceState(CONTRACT_RULES);
    nextState.platforms.set("p", new Map([["ada", next]]));
    applyPresenceEvent(nextState, { type: "page", key: key("t1"), page: { ...home } }, T0 + 5);
    applyPresenceEvent(nextState, { type: "disconnect", key: key("t2") }, T0 + 6);
    applyPresenceEvent(nextState, connect("t3"), T0 + 7);
    const expected = encodeUser(next, {});
    const [t1, page, row, session] = [
      held.connections.get("t1"),
      held.connections.get("t1")?.page,
      held.row,
      held.session,
    ];

    mergeUser(held, next);

    expect(encodeUser(held, {})).toBe(expected);
    expect([...held.connections.keys()]).toEqual(["t1", "t3"]);
    // Same objects where the value is the same; an equal page is kept, not replaced.
    expect(held.connections.get("t1")).toBe(t1);
    expect(held.connections.get("t1")?.page).toBe(page);
    expect(held.row).toBe(row);
    expect(held.session).toBe(session);
  });

  it("takes a new page, and the newer value's order of tabs", () => {
    const held = ada(adaAfter([connect("t1"), connect("t2")]));
    const next = ada(
      adaAfter([
        connect("t2"),
        connect("t1"),
        { type: "page", key: key("t1"), page: { path: "/b", title: "B" } },
      ]),
    );
    const expected = encodeUser(next, {});
    mergeUser(held, next);
    expect(encodeUser(held, {})).toBe(expected);
    expect(held.connections.get("t1")?.page).toEqual({ path: "/b", title: "B" });
    expect([...held.connections.keys()]).toEqual(["t2", "t1"]);
  });

  it("clears a session the newer value no longer has, and starts one it has", () => {
    const held = ada(adaAfter([connect("t1")]));
    const ended = copyUser(held);
    ended.session = null;
    mergeUser(held, ended);
    expect(held.session).toBeNull();
    mergeUser(held, ada(adaAfter([connect("t1")])));
    expect(held.session).toEqual({ startedAt: T0, pendingEnd: null });
  });
});
