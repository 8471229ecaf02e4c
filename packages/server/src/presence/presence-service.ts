// The presence shell: owns the engine's state, the clock and the tick timer, and fans out changes.
import type { Logger } from "pino";
import type { FactWriter } from "../storage/fact-writer.js";
import type { Storage } from "../storage/storage.js";
import type { UserDirectory } from "../users/user-directory.js";
import {
  activeApps,
  applyPresenceEvent,
  createPresenceState,
  hasConnection,
  listUserViews,
  liveUsers,
  openSessions,
  type PresenceState,
  viewUser,
} from "./engine.js";
import type {
  ConnectionKey,
  PresenceChange,
  PresenceEvent,
  PresenceRules,
  UserPresenceView,
} from "./types.js";

export type Clock = () => number;

export interface PresenceServiceOptions {
  rules: PresenceRules;
  clock: Clock;
  writer: FactWriter;
  directory: UserDirectory;
  logger: Logger;
  /** How often time-based rules are applied. */
  tickMs: number;
  /** How often the open sessions' last live moment is stored (what a restart resumes from). */
  persistSeenMs: number;
}

/** Receives the users whose row changed. */
export type UserChangeListener = (platform: string, user: string) => void;

export class PresenceService {
  private readonly state: PresenceState;
  private readonly listeners = new Set<UserChangeListener>();
  private timers: NodeJS.Timeout[] = [];

  constructor(private readonly options: PresenceServiceOptions) {
    this.state = createPresenceState(options.rules);
  }

  /** Resumes the sessions a previous run left open, then starts the timers. */
  async start(storage: Storage): Promise<void> {
    const sessions = await storage.openSessions();
    await storage.closeDanglingIntervals(
      sessions.map((s) => ({ platform: s.platform, user: s.user, at: s.lastLiveAt })),
    );
    this.handle({ type: "restore", sessions });
    this.timers.push(setInterval(() => this.handle({ type: "tick" }), this.options.tickMs));
    this.timers.push(setInterval(() => this.persistSeen(), this.options.persistSeenMs));
    for (const timer of this.timers) timer.unref();
  }

  /** Stops the timers and stores where every open session stands; sessions stay open for a restart. */
  stop(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    this.persistSeen();
  }

  onUserChange(listener: UserChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  handle(event: PresenceEvent): void {
    const changes = applyPresenceEvent(this.state, event, this.options.clock());
    if (changes.length > 0) this.dispatch(changes);
  }

  /** Whether the engine holds this tab (false after a heartbeat timeout dropped it). */
  hasConnection(key: ConnectionKey): boolean {
    return hasConnection(this.state, key);
  }

  view(platform: string, user: string): UserPresenceView | null {
    return viewUser(this.state, platform, user, this.options.clock());
  }

  views(platform: string): Iterable<UserPresenceView> {
    return listUserViews(this.state, platform, this.options.clock());
  }

  /** Sessions ongoing or within grace: for the average session card. */
  openSessions(): ReturnType<typeof openSessions> {
    return openSessions(this.state);
  }

  now(): number {
    return this.options.clock();
  }

  private dispatch(changes: PresenceChange[]): void {
    this.options.writer.addChanges(changes);
    for (const change of changes) {
      if (change.type === "sessionEnded") {
        this.options.directory.markSeen(change.platform, change.user, change.endedAt);
      }
      if (change.type !== "user") continue;
      for (const listener of this.listeners) {
        try {
          listener(change.platform, change.user);
        } catch (error) {
          this.options.logger.error({ err: error }, "presence listener failed");
        }
      }
    }
  }

  private persistSeen(): void {
    const now = this.options.clock();
    const open = new Map(
      openSessions(this.state).map((s) => [`${s.platform}\u0000${s.user}`, s.startedAt]),
    );
    const seen = [];
    for (const { platform, user } of liveUsers(this.state)) {
      const startedAt = open.get(`${platform}\u0000${user}`);
      if (startedAt === undefined) continue;
      seen.push({ platform, user, startedAt, at: now });
      this.options.directory.markSeen(platform, user, now);
    }
    this.options.writer.addSessionsSeen(seen);
    // Ongoing activity reaches the analytics as time passes, not only when it ends.
    this.options.writer.addActiveSeen(
      Array.from(activeApps(this.state), (a) => ({
        platform: a.platform,
        user: a.user,
        app: a.app,
        at: now,
      })),
    );
  }
}
