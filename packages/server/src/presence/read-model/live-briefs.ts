// Each platform's known users' briefs and status counts, kept current from the user changes.
import type { DirectoryChange, UserDirectory } from "../../users/user-directory.js";
import type { UserPresenceBrief } from "../engine/types.js";
import type { PresenceService } from "../presence-service.js";

/** A platform's briefs, and how many of the registered users among them are online and idle. */
interface PlatformBriefs {
  briefs: Map<string, UserPresenceBrief>;
  counts: { online: number; idle: number };
  /** The directory was loaded anew: count again before the counts are read. */
  isCountStale: boolean;
}

/**
 * What GET /presence, the summary cards and the live feed read, without visiting every live
 * user per request. A platform's briefs are read in one pass the first time, then follow the
 * user changes (local and from other nodes). A status that changes by time alone (an idle
 * threshold, a timeout, a grace period) is a change too: the engine's tick finds it within its
 * period (250 ms) and announces the user, so nothing here needs a pass over everyone again.
 */
export class LiveBriefs {
  private readonly platforms = new Map<string, PlatformBriefs>();
  private readonly sessionListeners: Array<(platform: string) => void> = [];

  constructor(
    private readonly presence: PresenceService,
    private readonly directory: UserDirectory,
  ) {
    presence.onUserChange((platform, user) => this.refresh(platform, user));
    directory.onChange((change) => this.followDirectory(change));
  }

  /** `listener` hears of a platform where a session started, ended, or began or left its grace. */
  onSessionChange(listener: (platform: string) => void): void {
    this.sessionListeners.push(listener);
  }

  of(platform: string): ReadonlyMap<string, UserPresenceBrief> {
    return this.platformOf(platform).briefs;
  }

  /** Registered users online and idle, as the briefs say: the rows and the counts agree. */
  counts(platform: string): { online: number; idle: number } {
    const held = this.platformOf(platform);
    if (held.isCountStale) this.recount(platform, held);
    return held.counts;
  }

  private platformOf(platform: string): PlatformBriefs {
    let held = this.platforms.get(platform);
    if (!held) {
      const briefs = new Map<string, UserPresenceBrief>();
      for (const brief of this.presence.briefs(platform)) briefs.set(brief.user, brief);
      held = { briefs, counts: { online: 0, idle: 0 }, isCountStale: true };
      this.platforms.set(platform, held);
    }
    return held;
  }

  private recount(platform: string, held: PlatformBriefs): void {
    const counts = { online: 0, idle: 0 };
    for (const brief of held.briefs.values()) {
      if (this.directory.get(platform, brief.user)) count(counts, brief, 1);
    }
    held.counts = counts;
    held.isCountStale = false;
  }

  /** A user registered or erased: counted from now on, or no longer, with their brief as it is. */
  private followDirectory(change: DirectoryChange): void {
    if (change === null) {
      for (const held of this.platforms.values()) held.isCountStale = true;
      return;
    }
    const held = this.platforms.get(change.platform);
    const brief = held?.briefs.get(change.id);
    if (!held || !brief) return;
    const wasCounted = change.previous !== undefined;
    const isCounted = change.next !== null;
    if (wasCounted !== isCounted) count(held.counts, brief, isCounted ? 1 : -1);
  }

  private refresh(platform: string, user: string): void {
    const held = this.platforms.get(platform);
    if (!held) return;
    // Registration changes reach the counts at once (followDirectory): as registered now.
    const isCounted = this.directory.get(platform, user) !== undefined;
    const before = held.briefs.get(user);
    if (before && isCounted) count(held.counts, before, -1);
    const brief = this.presence.brief(platform, user);
    if (brief === null) held.briefs.delete(user);
    else {
      held.briefs.set(user, brief);
      if (isCounted) count(held.counts, brief, 1);
    }
    if (isSessionChange(before, brief ?? undefined)) {
      for (const listener of this.sessionListeners) listener(platform);
    }
  }
}

function isSessionChange(before?: UserPresenceBrief, after?: UserPresenceBrief): boolean {
  const isLive = (brief?: UserPresenceBrief) => brief !== undefined && brief.status !== "offline";
  return (
    (before?.sessionStartedAt ?? null) !== (after?.sessionStartedAt ?? null) ||
    isLive(before) !== isLive(after)
  );
}

function count(counts: { online: number; idle: number }, brief: UserPresenceBrief, by: 1 | -1) {
  if (brief.status === "online") counts.online += by;
  else if (brief.status === "idle") counts.idle += by;
}
