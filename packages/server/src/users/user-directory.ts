// Every registered platform user, held in memory for the live page (100,000 users is ~30 MB).
import type { UserProfile, UserRecord } from "../storage/storage.js";

export class UserDirectory {
  private readonly platforms = new Map<string, Map<string, UserRecord>>();

  load(records: Iterable<UserRecord>): void {
    for (const record of records) this.usersOf(record.platform).set(record.id, record);
  }

  get(platform: string, id: string): UserRecord | undefined {
    return this.platforms.get(platform)?.get(id);
  }

  /** Registers or updates a user; returns true when something changed (so it must be stored). */
  upsert(platform: string, profile: UserProfile, now: number): boolean {
    const users = this.usersOf(platform);
    const existing = users.get(profile.id);
    if (
      existing &&
      existing.name === profile.name &&
      existing.email === profile.email &&
      existing.role === profile.role
    ) {
      return false;
    }
    users.set(profile.id, {
      platform,
      ...profile,
      createdAt: existing?.createdAt ?? now,
      lastSeenAt: existing?.lastSeenAt ?? null,
    });
    return true;
  }

  markSeen(platform: string, id: string, at: number): void {
    const user = this.platforms.get(platform)?.get(id);
    if (user && (user.lastSeenAt === null || user.lastSeenAt < at)) user.lastSeenAt = at;
  }

  remove(platform: string, id: string): boolean {
    return this.platforms.get(platform)?.delete(id) ?? false;
  }

  list(platform: string): IterableIterator<UserRecord> {
    return this.usersOf(platform).values();
  }

  count(platform: string): number {
    return this.platforms.get(platform)?.size ?? 0;
  }

  private usersOf(platform: string): Map<string, UserRecord> {
    let users = this.platforms.get(platform);
    if (!users) {
      users = new Map();
      this.platforms.set(platform, users);
    }
    return users;
  }
}
