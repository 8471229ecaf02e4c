// Backend endpoints: the host platform's server proves itself with the platform secret.
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { AppError } from "../errors/app-error.js";
import type { Storage } from "../storage/storage.js";

const FRESH_MS = 10_000;

function digest(secret: string): Buffer {
  return createHash("sha256").update(secret).digest();
}

/** Secrets remembered as matched: a platform or two, each with a secret or two (rotation). */
const MAX_MATCHED = 64;

export class BackendAuth {
  private secrets: Array<{ platform: string; digest: Buffer }> = [];
  /**
   * Secrets presented and matched since the last read, and their platform: a backend sends the
   * same one with every request, and hashing it each time was ~5 % of a one-event request's CPU.
   * Emptied by every read, so a removed secret stops working as soon as it did before.
   */
  private matched = new Map<string, string>();
  private readAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly storage: Storage,
    private readonly clock: () => number,
  ) {}

  /** The platform whose secret the request carries as `Authorization: Bearer`; throws otherwise. */
  async platformOf(req: IncomingMessage): Promise<string> {
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "");
    if (!match) {
      throw new AppError("unauthorized", "send Authorization: Bearer <platform secret>");
    }
    const secret = match[1]!;
    let platform = this.matched.get(secret) ?? null;
    if (platform === null) {
      const presented = digest(secret);
      platform = this.find(presented);
      if (platform === null && this.clock() - this.readAt > 1_000) {
        // A platform created or rotated since the last read: look again (at most once a second).
        await this.reload();
        platform = this.find(presented);
      }
      if (platform === null) throw new AppError("unauthorized", "not a platform secret");
      if (this.matched.size < MAX_MATCHED) this.matched.set(secret, platform);
    }
    // Storage down: the secrets known keep working; the next request tries again.
    if (this.clock() - this.readAt > FRESH_MS) void this.reload().catch(() => undefined);
    return platform;
  }

  private find(presented: Buffer): string | null {
    let found: string | null = null;
    // Compare against every secret, in constant time each, so timing tells nothing.
    for (const entry of this.secrets) {
      if (timingSafeEqual(entry.digest, presented)) found = entry.platform;
    }
    return found;
  }

  private async reload(): Promise<void> {
    const platforms = await this.storage.listPlatforms();
    this.secrets = platforms.flatMap((p) =>
      p.secrets.map((s) => ({ platform: p.id, digest: digest(s) })),
    );
    this.matched = new Map();
    this.readAt = this.clock();
  }
}
