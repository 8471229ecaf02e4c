// A platform's users by dense number, with what the user table filters and sorts on.
import { foldText, matchesNeedle } from "@rollcall/protocol";

/**
 * Users get numbers in the order they are first seen (registered or active). Registered users
 * (the `users` table) have a name and an email; the sort orders are built once and kept until a
 * user or a name changes.
 */
export class IndexedUsers {
  private readonly numbers = new Map<string, number>();
  readonly ids: string[] = [];
  private names: Array<string | undefined> = [];
  private emails: Array<string | undefined> = [];
  /** Lower case by Unicode's default mapping (`toLowerCase`, any locale): the name sort's key. */
  private lowerNames: Array<string | undefined> = [];
  /** Name and email as every search compares them (foldText). */
  private foldedNames: Array<string | undefined> = [];
  private foldedEmails: Array<string | undefined> = [];
  /** Roles as given, and lower case for the role filter (case-insensitive, exact). */
  private roles: Array<string | undefined> = [];
  private lowerRoles: Array<string | undefined> = [];
  private byName: Int32Array | null = null;
  private idRanks: Int32Array | null = null;

  get size(): number {
    return this.ids.length;
  }

  numberOf(id: string): number | undefined {
    return this.numbers.get(id);
  }

  number(id: string): number {
    let found = this.numbers.get(id);
    if (found === undefined) {
      found = this.ids.length;
      this.numbers.set(id, found);
      this.ids.push(id);
      this.idRanks = null;
    }
    return found;
  }

  register(id: string, name: string, email: string): void {
    const user = this.number(id);
    if (this.names[user] !== name) this.byName = null;
    this.names[user] = name;
    this.emails[user] = email;
    const lower = name.toLowerCase();
    this.lowerNames[user] = lower;
    this.foldedNames[user] = sameOr(lower, foldText(name));
    this.foldedEmails[user] = foldText(email);
  }

  /** Sets a registered user's role (kept apart from `register`, which the search reads). */
  setRole(id: string, role: string): void {
    const user = this.number(id);
    this.roles[user] = role;
    this.lowerRoles[user] = role.toLowerCase();
  }

  unregister(id: string): void {
    const user = this.numbers.get(id);
    if (user === undefined) return;
    this.roles[user] = undefined;
    this.lowerRoles[user] = undefined;
    this.names[user] = undefined;
    this.emails[user] = undefined;
    this.lowerNames[user] = undefined;
    this.foldedNames[user] = undefined;
    this.foldedEmails[user] = undefined;
    this.byName = null;
  }

  registeredCount(): number {
    let count = 0;
    for (let user = 0; user < this.ids.length; user++) if (this.isRegistered(user)) count++;
    return count;
  }

  /**
   * Adds users as a snapshot saved them, the next numbers in order: ids, and name, email and role
   * (null for users never registered, or erased).
   */
  restore(
    ids: string[],
    names: Array<string | null>,
    emails: Array<string | null>,
    roles: Array<string | null>,
  ): void {
    for (let at = 0; at < ids.length; at++) {
      const id = ids[at] as string;
      if (this.numbers.has(id)) throw new Error(`user ${JSON.stringify(id)} restored twice`);
      this.numbers.set(id, this.ids.length);
      this.ids.push(id);
      const name = names[at] ?? undefined;
      const email = name === undefined ? undefined : (emails[at] ?? "");
      this.names.push(name);
      this.emails.push(email);
      const lower = name?.toLowerCase();
      this.lowerNames.push(lower);
      this.foldedNames.push(
        name === undefined ? undefined : sameOr(lower as string, foldText(name)),
      );
      this.foldedEmails.push(email === undefined ? undefined : foldText(email));
      const role = name === undefined ? undefined : (roles[at] ?? "");
      this.roles[this.ids.length - 1] = role;
      this.lowerRoles[this.ids.length - 1] = role?.toLowerCase();
    }
    this.byName = null;
    this.idRanks = null;
  }

  isRegistered(user: number): boolean {
    return this.names[user] !== undefined;
  }

  name(user: number): string {
    return this.names[user] ?? "";
  }

  email(user: number): string {
    return this.emails[user] ?? "";
  }

  role(user: number): string {
    return this.roles[user] ?? "";
  }

  /** The role in lower case (what the role filter compares). */
  lowerRole(user: number): string {
    return this.lowerRoles[user] ?? "";
  }

  /** Whether the user's role is `lowerRole` (already lower case), ignoring case. */
  hasRole(user: number, lowerRole: string): boolean {
    return this.lowerRoles[user] === lowerRole;
  }

  /** Whether a registered user's name or email contains `needle` (searchNeedle's). */
  matches(user: number, needle: string): boolean {
    const name = this.foldedNames[user];
    return name !== undefined && matchesNeedle(needle, name, this.foldedEmails[user] ?? "");
  }

  /** Registered users by lower(name), then id; ties in name are one run (`sameName`). */
  nameOrder(): Int32Array {
    if (!this.byName) {
      const order: number[] = [];
      for (let user = 0; user < this.ids.length; user++)
        if (this.isRegistered(user)) order.push(user);
      const ranks = this.idRank();
      order.sort(
        (a, b) =>
          compareCodePoints(this.lowerNames[a] ?? "", this.lowerNames[b] ?? "") ||
          (ranks[a] as number) - (ranks[b] as number),
      );
      this.byName = Int32Array.from(order);
    }
    return this.byName;
  }

  sameName(a: number, b: number): boolean {
    return this.lowerNames[a] === this.lowerNames[b];
  }

  /** Each user's place in id order (byte order, as SQL compares ids). */
  idRank(): Int32Array {
    if (!this.idRanks || this.idRanks.length !== this.ids.length) {
      const order = this.ids.map((_, user) => user);
      order.sort((a, b) => compareCodePoints(this.ids[a] ?? "", this.ids[b] ?? ""));
      const ranks = new Int32Array(this.ids.length);
      order.forEach((user, rank) => {
        ranks[user] = rank;
      });
      this.idRanks = ranks;
    }
    return this.idRanks;
  }
}

/** `folded`, or `lower` itself when they are equal (most names): one string kept, not two. */
function sameOr(lower: string, folded: string): string {
  return folded === lower ? lower : folded;
}

/**
 * Code point order, which is UTF-8 byte order (SQL's BINARY collation): UTF-16 units differ only
 * where a surrogate (a code point above U+FFFF) meets a unit in U+E000–U+FFFF.
 */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}
