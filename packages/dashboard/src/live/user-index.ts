// An immutable id → user index where an update of a few users costs O(few), not a copy of 100,000.
import type { PresenceUser } from "@rollcall/protocol";

/** Changes collect in a small overlay; past this many, they are folded into a new base. */
const MIN_OVERLAY_LIMIT = 1_024;
const OVERLAY_SHARE = 0.05;

/** What an edit may do to the index it is building. */
export interface UserIndexDraft {
  get: (id: string) => PresenceUser | undefined;
  set: (user: PresenceUser) => void;
  delete: (id: string) => void;
}

/**
 * A large shared base map plus a small copy-on-write overlay of recent changes (`null` marks a
 * removal). Neither map is ever mutated once the index is built, so old indexes stay valid.
 */
export class UserIndex {
  static readonly empty = new UserIndex(new Map(), new Map(), 0);

  private constructor(
    private readonly base: ReadonlyMap<string, PresenceUser>,
    private readonly overlay: ReadonlyMap<string, PresenceUser | null>,
    readonly size: number,
  ) {}

  static from(users: Iterable<PresenceUser>): UserIndex {
    const base = new Map<string, PresenceUser>();
    for (const user of users) base.set(user.id, user);
    return new UserIndex(base, new Map(), base.size);
  }

  get(id: string): PresenceUser | undefined {
    const changed = this.overlay.get(id);
    if (changed !== undefined) return changed ?? undefined;
    return this.base.get(id);
  }

  has(id: string): boolean {
    return this.get(id) !== undefined;
  }

  *values(): IterableIterator<PresenceUser> {
    for (const [id, user] of this.base) if (!this.overlay.has(id)) yield user;
    for (const user of this.overlay.values()) if (user) yield user;
  }

  *keys(): IterableIterator<string> {
    for (const user of this.values()) yield user.id;
  }

  /** A new index with the draft's changes applied; this one is left as it was. */
  edit(apply: (draft: UserIndexDraft) => void): UserIndex {
    const overlay = new Map(this.overlay);
    let size = this.size;
    const get = (id: string) => {
      const changed = overlay.get(id);
      return changed !== undefined ? (changed ?? undefined) : this.base.get(id);
    };
    apply({
      get,
      set: (user) => {
        if (get(user.id) === undefined) size += 1;
        overlay.set(user.id, user);
      },
      delete: (id) => {
        if (get(id) === undefined) return;
        size -= 1;
        overlay.set(id, null);
      },
    });
    const next = new UserIndex(this.base, overlay, size);
    const limit = Math.max(MIN_OVERLAY_LIMIT, this.base.size * OVERLAY_SHARE);
    return overlay.size > limit ? UserIndex.from(next.values()) : next;
  }
}
