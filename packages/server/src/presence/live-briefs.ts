// Each platform's known users' briefs, kept current from the presence service's user changes.
import type { PresenceService } from "./presence-service.js";
import type { UserPresenceBrief } from "./types.js";

/** How old a full pass may be: time alone (an idle threshold) changes a status without an event. */
const FULL_PASS_MS = 250;

/**
 * What GET /presence and the summary cards read, without visiting every live user per request.
 * A platform's map follows the user changes (local and from other nodes) at once, and is made
 * again by a full pass when the last is over 250 ms old (the engine's tick period), so a status
 * that changed by time alone shows within that.
 */
export class LiveBriefs {
  private readonly platforms = new Map<string, Map<string, UserPresenceBrief>>();
  private readonly passedAt = new Map<string, number>();

  constructor(private readonly presence: PresenceService) {
    presence.onUserChange((platform, user) => this.refresh(platform, user));
  }

  of(platform: string): ReadonlyMap<string, UserPresenceBrief> {
    let briefs = this.platforms.get(platform);
    const now = this.presence.now();
    if (!briefs || now - (this.passedAt.get(platform) ?? 0) >= FULL_PASS_MS) {
      briefs = new Map();
      for (const brief of this.presence.briefs(platform)) briefs.set(brief.user, brief);
      this.platforms.set(platform, briefs);
      this.passedAt.set(platform, now);
    }
    return briefs;
  }

  private refresh(platform: string, user: string): void {
    const briefs = this.platforms.get(platform);
    if (!briefs) return;
    const view = this.presence.view(platform, user);
    if (view === null) {
      briefs.delete(user);
      return;
    }
    briefs.set(user, {
      user,
      status: view.status,
      currentPage: view.currentPage,
      sessionStartedAt: view.sessionStartedAt,
    });
  }
}
