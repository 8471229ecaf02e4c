// PostgreSQL's share links: the share_links table behind ShareLinkStore, read by every node.
import {
  SHARE_LINK_COLUMNS,
  type ShareLinkRecord,
  type ShareLinkStore,
  shareLinkValues,
  toShareLink,
} from "../share-link-store.js";
import type { Run } from "./postgres-analytics.js";

export class PostgresShareLinks implements ShareLinkStore {
  constructor(private readonly run: Run) {}

  async create(link: ShareLinkRecord): Promise<void> {
    const marks = SHARE_LINK_COLUMNS.map((_, i) => `$${i + 1}`).join(", ");
    await this.run(
      `INSERT INTO share_links (${SHARE_LINK_COLUMNS.join(", ")}) VALUES (${marks})`,
      shareLinkValues(link),
    );
  }

  async get(id: string): Promise<ShareLinkRecord | null> {
    const [row] = await this.run("SELECT * FROM share_links WHERE id = $1", [id]);
    return row ? toShareLink(row) : null;
  }

  async listLive(platform: string, app: string, now: number): Promise<ShareLinkRecord[]> {
    const rows = await this.run(
      `SELECT * FROM share_links WHERE platform_id = $1 AND app = $2
         AND revoked_at IS NULL AND expires_at > $3 ORDER BY created_at DESC, id COLLATE "C"`,
      [platform, app, now],
    );
    return rows.map(toShareLink);
  }

  async revoke(platform: string, app: string, id: string, at: number): Promise<boolean> {
    const rows = await this.run(
      `UPDATE share_links SET revoked_at = $1
        WHERE id = $2 AND platform_id = $3 AND app = $4 AND revoked_at IS NULL RETURNING 1`,
      [at, id, platform, app],
    );
    return rows.length > 0;
  }
}
