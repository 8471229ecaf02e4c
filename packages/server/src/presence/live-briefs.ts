// Each platform's known users' briefs and status counts, kept current from the user changes.
import type { UserDirectory } from "../users/user-directory.js";
import type { PresenceService } from "./presence-service.js";
import type { UserPresenceBrief } from "./types.js";

/** A platform's briefs, and how many of the registered users among them are online and idle. */
interface PlatformBriefs {
  briefs: Map<string, UserPresenceBrief>;
  counts: { online: number; idle: number };
  /** The directory's version the counts were made against; another one: count again. */
  countedAt: number;
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

  constructor(
    private readonly presence: PresenceService,
    private readonly directory: UserDirectory,
  ) {
    presence.onUserChange((platform, user) => this.refresh(platform, user));
  }

  of(platform: string): ReadonlyMap<string, UserPresenceBrief> {
    return this.platformOf(platform).briefs;
  }

  /** Registered users online and idle, as the briefs say: the rows and the counts agree. */
  counts(platform: string): { online: number; idle: number } {
    const held = this.platformOf(platform);
    if (held.countedAt !== this.directory.version) this.recount(platform, held);
    return held.counts;
  }

  private platformOf(platform: string): PlatformBriefs {
    let held = this.platforms.get(platform);
    if (!held) {
      const briefs = new Map<string, UserPresenceBrief>();
      for (const brief of this.presence.briefs(platform)) briefs.set(brief.user, brief);
      held = { briefs, counts: { online: 0, idle: 0 }, countedAt: -1 };
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
    held.countedAt = this.directory.version;
  }

  private refresh(platform: string, user: string): void {
    const held = this.platforms.get(platform);
    if (!held) return;
    // Counted against the directory as it is: if it changed since, the next read counts again.
    const isCounted =
      held.countedAt === this.directory.version && this.directory.get(platform, user) !== undefined;
    const before = held.briefs.get(user);
    if (before && isCounted) count(held.counts, before, -1);
    const view = this.presence.view(platform, user);
    if (view === null) {
      held.briefs.delete(user);
      return;
    }
    const brief: UserPresenceBrief = {
      user,
      status: view.status,
      currentPage: view.currentPage,
      sessionStartedAt: view.sessionStartedAt,
    };
    held.briefs.set(user, brief);
    if (isCounted) count(held.counts, brief, 1);
  }
}

function count(counts: { online: number; idle: number }, brief: UserPresenceBrief, by: 1 | -1) {
  if (brief.status === "online") counts.online += by;
  else if (brief.status === "idle") counts.idle += by;
}
