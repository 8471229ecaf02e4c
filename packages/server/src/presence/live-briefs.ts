// Each platform's known users' briefs, kept current from the presence service's user changes.
import type { PresenceService } from "./presence-service.js";
import type { UserPresenceBrief } from "./types.js";

/**
 * What GET /presence and the summary cards read, without visiting every live user per request.
 * A platform's map is filled by one pass the first time it is asked for, then follows the user
 * changes (local and from other nodes), which include the ticks' idle and timeout transitions: it
 * is as current as the live feed.
 */
export class LiveBriefs {
  private readonly platforms = new Map<string, Map<string, UserPresenceBrief>>();

  constructor(private readonly presence: PresenceService) {
    presence.onUserChange((platform, user) => this.refresh(platform, user));
  }

  of(platform: string): ReadonlyMap<string, UserPresenceBrief> {
    let briefs = this.platforms.get(platform);
    if (!briefs) {
      briefs = new Map();
      for (const brief of this.presence.briefs(platform)) briefs.set(brief.user, brief);
      this.platforms.set(platform, briefs);
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
