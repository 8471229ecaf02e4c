// Whether a user may open another tab: one count over WebSocket and HTTP alike, read from presence.
import { AppError } from "../errors/app-error.js";
import type { ConnectionKey } from "../presence/engine/types.js";
import type { PresenceService } from "../presence/presence-service.js";

/**
 * A user's tabs are the connections presence holds for them, whatever their transport (with a
 * shared store, on every node): a WebSocket until it closes, an HTTP tab until its 45 s without
 * a batch run out. A tab presence already holds is never refused, so a reconnect or the next
 * batch of an open tab goes through at the cap.
 */
export class UserTabLimit {
  constructor(
    private readonly presence: Pick<PresenceService, "view">,
    readonly max: number,
  ) {}

  /**
   * Throws AppError `rate_limited` when `key` is a tab presence does not hold yet and its user
   * already has `max`. Use it as TrackerGateway.hello's `admit`.
   */
  admit(key: ConnectionKey): void {
    const connections = this.presence.view(key.platform, key.user)?.connections ?? [];
    if (connections.length < this.max) return;
    if (connections.some((connection) => connection.tab === key.tab)) return;
    throw new AppError(
      "rate_limited",
      `too many open tabs for this user (limit ${this.max}, WebSocket and HTTP together); close some tabs`,
    );
  }
}
