// Platforms and their signing secrets, cached in memory and re-read when one is unknown or stale.
import { randomBytes } from "node:crypto";
import type { PlatformRecord, Storage } from "../storage/storage.js";

const FRESH_MS = 30_000;
/** A forced re-read (a token signed with a secret not cached) happens at most this often. */
const RECHECK_MS = 1_000;

export class PlatformRegistry {
  private cache = new Map<string, { record: PlatformRecord | null; readAt: number }>();

  constructor(
    private readonly storage: Storage,
    private readonly clock: () => number,
  ) {}

  /** `recheck`: read again unless read within the last second (a secret may just have rotated). */
  async get(id: string, recheck = false): Promise<PlatformRecord | null> {
    const cached = this.cache.get(id);
    const now = this.clock();
    if (cached && now - cached.readAt < (recheck ? RECHECK_MS : FRESH_MS)) return cached.record;
    let record: PlatformRecord | null;
    try {
      record = await this.storage.getPlatform(id);
    } catch (error) {
      // Storage down: trackers keep being verified with the secrets known, re-read a second later.
      if (!cached || recheck) throw error;
      cached.readAt = now - FRESH_MS + RECHECK_MS;
      return cached.record;
    }
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(id, { record, readAt: now });
    return record;
  }

  secretsOf = async (id: string, recheck = false): Promise<string[] | null> =>
    (await this.get(id, recheck))?.secrets ?? null;

  /** Makes sure a platform exists with this secret among its secrets (ROLLCALL_PLATFORM_SECRET). */
  async ensure(id: string, secret: string): Promise<PlatformRecord> {
    const existing = await this.storage.getPlatform(id);
    if (!existing) {
      const record = { id, name: id, secrets: [secret], createdAt: this.clock() };
      await this.storage.createPlatform(record);
      this.cache.delete(id);
      return record;
    }
    if (!existing.secrets.includes(secret)) {
      await this.storage.setPlatformSecrets(id, [secret]);
      this.cache.delete(id);
      return { ...existing, secrets: [secret] };
    }
    return existing;
  }

  /** Makes sure a platform exists, with a new random secret if it has to be created. */
  async ensureExists(id: string): Promise<PlatformRecord> {
    return (
      (await this.storage.getPlatform(id)) ?? this.ensure(id, randomBytes(32).toString("base64url"))
    );
  }

  forget(id: string): void {
    this.cache.delete(id);
  }
}
