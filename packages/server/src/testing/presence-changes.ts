// Picking one kind of the engine's decisions out of a list, typed.
import type { PresenceChange } from "../presence/engine/types.js";

export function ofType<T extends PresenceChange["type"]>(
  changes: PresenceChange[],
  type: T,
): Array<Extract<PresenceChange, { type: T }>> {
  return changes.filter((c): c is Extract<PresenceChange, { type: T }> => c.type === type);
}
