// Names of Rollcall's Redis keys and channels; a user's key carries a hash tag (one cluster slot).
/** Where a user lives: platform and user id, escaped so that `:{}` in ids cannot collide. */
export interface UserRef {
  platform: string;
  user: string;
}

export class RedisPresenceKeys {
  /** Sorted set: node id → its last beat (ms). */
  readonly nodes: string;
  /** Sorted set: user ref → their next deadline (idle, grace, HTTP timeout). */
  readonly due: string;
  /**
   * Pub/sub: users' new states, in the order they were written. Versioned: a node reads only
   * its own version's messages (see ChangeHeader), so an upgrade's old and new nodes ignore
   * each other's feed instead of misreading it.
   */
  readonly changes: string;
  /** Pub/sub: user directory changes (registrations, profile updates, erasures). */
  readonly directory: string;
  /** SCAN pattern matching every user key. */
  readonly userPattern: string;

  constructor(readonly prefix: string) {
    this.nodes = `${prefix}:nodes`;
    this.due = `${prefix}:due`;
    this.changes = `${prefix}:presence-changes:v2`;
    this.directory = `${prefix}:directory-changes`;
    this.userPattern = `${prefix}:{*}:presence`;
  }

  /** `<prefix>:{<platform>:<user>}:presence`: a hash holding `rev` and `data`. */
  user(ref: UserRef): string {
    return `${this.prefix}:{${this.member(ref)}}:presence`;
  }

  /** The user's member in the `due` set. */
  member(ref: UserRef): string {
    return `${encodeURIComponent(ref.platform)}:${encodeURIComponent(ref.user)}`;
  }

  parseMember(member: string): UserRef | null {
    const parts = member.split(":");
    if (parts.length !== 2) return null;
    return { platform: decodeURIComponent(parts[0]!), user: decodeURIComponent(parts[1]!) };
  }

  /** The user a key from SCAN belongs to. */
  parseUserKey(key: string): UserRef | null {
    const open = key.indexOf("{", this.prefix.length);
    const close = key.indexOf("}", open);
    if (open < 0 || close < 0) return null;
    return this.parseMember(key.slice(open + 1, close));
  }
}
