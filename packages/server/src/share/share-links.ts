// Share links: who may make, list and revoke them, and what opening one's token finds.
import { randomBytes } from "node:crypto";
import {
  ALL_APPS,
  SHARE_LINK_LIMITS,
  type SharedReport,
  type ShareLinkInfo,
  shareLinkRequestSchema,
  type Viewer,
} from "@rollcall/protocol";
import {
  type AnalyticsQuery,
  analyticsQueryFor,
  requireKnownApp,
  scopeFor,
} from "../analytics/analytics-query.js";
import { AppError, describeIssues } from "../errors/app-error.js";
import type { ShareLinkRecord } from "../storage/share-link-store.js";
import type { Storage } from "../storage/storage.js";
import { isoTime } from "../storage/stored-time.js";
import type { ShareTokens } from "./share-token.js";

const MINUTE_MS = 60_000;

export class ShareLinks {
  constructor(
    private readonly storage: Storage,
    private readonly tokens: ShareTokens,
    private readonly clock: () => number,
  ) {}

  /** Makes a link to the app's report; the viewer must be able to read that report. */
  async create(viewer: Viewer, app: string, body: unknown): Promise<ShareLinkInfo> {
    const scope = scopeFor(viewer, app);
    const parsed = shareLinkRequestSchema.safeParse(body);
    if (!parsed.success) throw new AppError("invalid_body", describeIssues(parsed.error.issues));
    const request = parsed.data;
    const now = this.clock();
    const isCustom = request.range === "custom";
    const filter = {
      range: request.range,
      from: isCustom ? request.from : undefined,
      to: isCustom ? request.to : undefined,
      tz: request.tz,
    };
    analyticsQueryFor(scope, filter, now, "invalid_body", "body");
    const expiresAt = Date.parse(request.expiresAt);
    checkLifetime(expiresAt - now);
    await requireKnownApp(this.storage, scope);
    const live = await this.storage.shareLinks.listLive(viewer.platform, app, now);
    if (live.length >= SHARE_LINK_LIMITS.liveLinksPerApp) {
      throw new AppError(
        "conflict",
        `this app already has ${SHARE_LINK_LIMITS.liveLinksPerApp} open share links; revoke some first`,
      );
    }
    const link: ShareLinkRecord = {
      id: randomBytes(16).toString("base64url"),
      platform: viewer.platform,
      app,
      range: request.range,
      from: filter.from ?? null,
      to: filter.to ?? null,
      tz: request.tz,
      includeTable: request.includeTable,
      label: request.label ? request.label : null,
      createdBy: { id: viewer.id, name: viewer.name },
      createdAt: now,
      expiresAt,
      revokedAt: null,
    };
    await this.storage.shareLinks.create(link);
    return this.describe(link);
  }

  /** The app's open links (expired and revoked ones are left out). */
  async list(viewer: Viewer, app: string): Promise<ShareLinkInfo[]> {
    scopeFor(viewer, app);
    const links = await this.storage.shareLinks.listLive(viewer.platform, app, this.clock());
    return Promise.all(links.map((link) => this.describe(link)));
  }

  /** Revokes at once, on every node: each use of a link reads its row. */
  async revoke(viewer: Viewer, app: string, id: string): Promise<void> {
    scopeFor(viewer, app);
    const isRevoked = await this.storage.shareLinks.revoke(viewer.platform, app, id, this.clock());
    if (!isRevoked) throw new AppError("not_found", "no open share link of this app has that id");
  }

  /** The link a token names, if it is still open: the signature first, then the stored row. */
  async open(token: string): Promise<ShareLinkRecord> {
    const claims = await this.tokens.verify(token);
    const link = await this.storage.shareLinks.get(claims.link);
    if (!link || link.platform !== claims.platform) {
      throw new AppError("share_link_invalid", "this share link does not exist");
    }
    if (link.revokedAt !== null) {
      throw new AppError("share_link_revoked", "this share link has been revoked");
    }
    if (link.expiresAt <= this.clock()) {
      throw new AppError("share_link_expired", "this share link has expired");
    }
    return link;
  }

  /** The query of a link's report as of now: a preset range moves with the days, fixed dates do not. */
  queryOf(link: ShareLinkRecord): AnalyticsQuery {
    const scope = { platform: link.platform, app: link.app === ALL_APPS ? null : link.app };
    const filter = { range: link.range, from: link.from ?? undefined, to: link.to ?? undefined };
    return analyticsQueryFor(
      scope,
      { ...filter, tz: link.tz },
      this.clock(),
      "invalid_query",
      "link",
    );
  }

  private async describe(link: ShareLinkRecord): Promise<ShareLinkInfo> {
    const token = await this.tokens.sign(link.platform, link.id, link.createdAt, link.expiresAt);
    return {
      id: link.id,
      ...reportOf(link),
      createdAt: isoTime(link.createdAt),
      createdBy: link.createdBy,
      path: `/share/${token}`,
    };
  }
}

/** What a link's holder is told about the report (nothing of who made it). */
export function reportOf(link: ShareLinkRecord): SharedReport {
  return {
    app: link.app,
    range: link.range,
    from: link.from,
    to: link.to,
    tz: link.tz,
    includeTable: link.includeTable,
    label: link.label,
    expiresAt: isoTime(link.expiresAt),
  };
}

function checkLifetime(lifetimeMs: number): void {
  const { minLifetimeMs, maxLifetimeMs } = SHARE_LINK_LIMITS;
  if (!(lifetimeMs >= minLifetimeMs && lifetimeMs <= maxLifetimeMs)) {
    throw new AppError(
      "invalid_body",
      `body.expiresAt: must be between ${minLifetimeMs / MINUTE_MS} minutes and ${maxLifetimeMs / 86_400_000} days from now`,
    );
  }
}
