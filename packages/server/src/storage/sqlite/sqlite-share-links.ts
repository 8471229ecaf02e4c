// SQLite's share links: the share_links table behind ShareLinkStore.
import {
  SHARE_LINK_COLUMNS,
  type ShareLinkRecord,
  type ShareLinkStore,
  shareLinkValues,
  toShareLink,
} from "../share-link-store.js";
import type { Row } from "../storage-rows.js";
import type { StatementCache } from "./sqlite-facts.js";

export class SqliteShareLinks implements ShareLinkStore {
  constructor(private readonly statement: StatementCache) {}

  async create(link: ShareLinkRecord): Promise<void> {
    const marks = SHARE_LINK_COLUMNS.map(() => "?").join(", ");
    this.statement(
      `INSERT INTO share_links (${SHARE_LINK_COLUMNS.join(", ")}) VALUES (${marks})`,
    ).run(...shareLinkValues(link));
  }

  async get(id: string): Promise<ShareLinkRecord | null> {
    const row = this.statement("SELECT * FROM share_links WHERE id = ?").get(id) as Row | undefined;
    return row ? toShareLink(row) : null;
  }

  async listLive(platform: string, app: string, now: number): Promise<ShareLinkRecord[]> {
    const rows = this.statement(
      `SELECT * FROM share_links WHERE platform_id = ? AND app = ?
         AND revoked_at IS NULL AND expires_at > ? ORDER BY created_at DESC, id`,
    ).all(platform, app, now) as Row[];
    return rows.map(toShareLink);
  }

  async revoke(platform: string, app: string, id: string, at: number): Promise<boolean> {
    const result = this.statement(
      `UPDATE share_links SET revoked_at = ?
        WHERE id = ? AND platform_id = ? AND app = ? AND revoked_at IS NULL`,
    ).run(at, id, platform, app);
    return result.changes > 0;
  }
}
