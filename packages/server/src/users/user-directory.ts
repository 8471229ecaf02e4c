// Every registered platform user, held in memory for the live page (100,000 users is ~30 MB).
import type { UserProfile, UserRecord } from "../storage/storage.js";

/** A registration, profile update (record) or erasure (null) made on this node. */
export type DirectoryListener = (platform: string, id: string, record: UserRecord | null) => void;

/**
 * One user's record replaced (`next`), added (`previous` undefined) or removed (`next` null),
 * from any source; null: many at once (a load), so what was derived must be made again.
 */
export type DirectoryChange = {
  platform: string;
  id: string;
  previous: UserRecord | undefined;
  next: UserRecord | null;
} | null;

export class UserDirectory {
  private readonly platforms = new Map<string, Map<string, UserRecord>>();
  private listener: DirectoryListener | null = null;
  private readonly watchers = new Set<(change: DirectoryChange) => void>();

  /** Hears this node's own changes (not `applyRemote`'s): another node's directory must learn them. */
  onLocalChange(listener: DirectoryListener): void {
    this.listener = listener;
  }

  /** Hears every change (this node's, other nodes', loads): for what is kept in step with it. */
  onChange(watcher: (change: DirectoryChange) => void): () => void {
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  /** A change another node made (and stored); not announced again. */
  applyRemote(platform: string, id: string, record: UserRecord | null): void {
    const previous = this.platforms.get(platform)?.get(id);
    if (record === null) this.platforms.get(platform)?.delete(id);
    else this.usersOf(platform).set(id, record);
    this.changed({ platform, id, previous, next: record });
  }

  load(records: Iterable<UserRecord>): void {
    for (const record of records) this.usersOf(record.platform).set(record.id, record);
    this.changed(null);
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
    const record = {
      platform,
      ...profile,
      createdAt: existing?.createdAt ?? now,
      lastSeenAt: existing?.lastSeenAt ?? null,
    };
    users.set(profile.id, record);
    this.changed({ platform, id: profile.id, previous: existing, next: record });
    this.listener?.(platform, profile.id, record);
    return true;
  }

  markSeen(platform: string, id: string, at: number): void {
    const user = this.platforms.get(platform)?.get(id);
    if (user && (user.lastSeenAt === null || user.lastSeenAt < at)) user.lastSeenAt = at;
  }

  remove(platform: string, id: string): boolean {
    const previous = this.platforms.get(platform)?.get(id);
    if (previous === undefined) return false;
    this.platforms.get(platform)?.delete(id);
    this.changed({ platform, id, previous, next: null });
    this.listener?.(platform, id, null);
    return true;
  }

  list(platform: string): IterableIterator<UserRecord> {
    return this.usersOf(platform).values();
  }

  /** Platforms that have (or had) registered users. */
  platformIds(): string[] {
    return [...this.platforms.keys()];
  }

  count(platform: string): number {
    return this.platforms.get(platform)?.size ?? 0;
  }

  private changed(change: DirectoryChange): void {
    for (const watcher of this.watchers) watcher(change);
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
