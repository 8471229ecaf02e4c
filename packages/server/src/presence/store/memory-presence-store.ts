// MemoryPresenceStore: the engine's state in this process; one node, synchronous, no I/O per event.
import {
  activeApps,
  applyPresenceEvent,
  briefUser,
  createPresenceState,
  hasConnection,
  listUserBriefs,
  listUserViews,
  liveUsers,
  type PresenceState,
  viewUser,
} from "../engine/engine.js";
import type {
  ConnectionKey,
  LiveUser,
  PresenceChange,
  PresenceEvent,
  PresenceRules,
  RestoredSession,
  UserPresenceBrief,
  UserPresenceView,
} from "../engine/types.js";
import type { PresenceStore, RemoteUserChange, StoreHealth } from "./presence-store.js";

/**
 * Choose it for one node (the default, no ROLLCALL_REDIS_URL): a heartbeat is one map lookup.
 * Several nodes with it would each see only their own users.
 */
export class MemoryPresenceStore implements PresenceStore {
  private readonly state: PresenceState;

  constructor(rules: PresenceRules) {
    this.state = createPresenceState(rules);
  }

  apply(event: PresenceEvent, now: number): PresenceChange[] {
    return applyPresenceEvent(this.state, event, now);
  }

  restorable(sessions: RestoredSession[]): Promise<RestoredSession[]> {
    return Promise.resolve(sessions);
  }

  hasConnection(key: ConnectionKey): boolean {
    return hasConnection(this.state, key);
  }

  view(platform: string, user: string, now: number): UserPresenceView | null {
    return viewUser(this.state, platform, user, now);
  }

  views(platform: string, now: number): Iterable<UserPresenceView> {
    return listUserViews(this.state, platform, now);
  }

  brief(platform: string, user: string, now: number): UserPresenceBrief | null {
    return briefUser(this.state, platform, user, now);
  }

  briefs(platform: string, now: number): Iterable<UserPresenceBrief> {
    return listUserBriefs(this.state, platform, now);
  }

  liveUsers(): Iterable<LiveUser> {
    return liveUsers(this.state);
  }

  activeApps(): Iterable<{
    platform: string;
    user: string;
    app: string | null;
    startedAt: number;
  }> {
    return activeApps(this.state);
  }

  onRemoteChange(_listener: (change: RemoteUserChange) => void): () => void {
    // No other node.
    return () => undefined;
  }

  health(): StoreHealth {
    return { presence: "memory" };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
