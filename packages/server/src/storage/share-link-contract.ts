// The share links every Storage adapter must keep: run inside the storage contract on a fresh store.
import { expect, it } from "vitest";
import type { ShareLinkRecord } from "./share-link-store.js";
import type { Storage } from "./storage.js";

const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);
const HOUR = 3_600_000;

function link(id: string, parts: Partial<ShareLinkRecord> = {}): ShareLinkRecord {
  return {
    id,
    platform: "p1",
    app: "math",
    range: "7d",
    from: null,
    to: null,
    tz: "Asia/Kathmandu",
    includeTable: false,
    label: null,
    createdBy: { id: "ann", name: "Ann Admin" },
    createdAt: T0,
    expiresAt: T0 + 24 * HOUR,
    revokedAt: null,
    ...parts,
  };
}

/** Registers the share-link tests in the caller's describe; `storage()` is that test's store. */
export function runShareLinkContract(storage: () => Storage): void {
  it("keeps a share link as it was made, custom range, label and table flag included", async () => {
    const made = link("l1", {
      range: "custom",
      from: "2026-11-01",
      to: "2026-11-20",
      includeTable: true,
      label: "For the board",
    });
    await storage().shareLinks.create(made);
    expect(await storage().shareLinks.get("l1")).toEqual(made);
    expect(await storage().shareLinks.get("nope")).toBeNull();
  });

  it("lists an app's open links newest first, leaving out expired, revoked and other apps' links", async () => {
    const links = storage().shareLinks;
    await links.create(link("old", { createdAt: T0 - HOUR }));
    await links.create(link("new", { createdAt: T0 }));
    await links.create(link("expired", { createdAt: T0 - 1, expiresAt: T0 + HOUR }));
    await links.create(link("revoked", { revokedAt: T0 }));
    await links.create(link("essay", { app: "essay" }));
    await links.create(link("elsewhere", { platform: "p2" }));
    const ids = async (now: number) =>
      (await links.listLive("p1", "math", now)).map((found) => found.id);
    expect(await ids(T0)).toEqual(["new", "expired", "old"]);
    expect(await ids(T0 + HOUR)).toEqual(["new", "old"]);
  });

  it("revokes a link once, only through its own platform and app, and keeps it readable", async () => {
    const links = storage().shareLinks;
    await links.create(link("l1"));
    expect(await links.revoke("p2", "math", "l1", T0 + 1)).toBe(false);
    expect(await links.revoke("p1", "essay", "l1", T0 + 1)).toBe(false);
    expect(await links.revoke("p1", "math", "l1", T0 + 5)).toBe(true);
    expect(await links.revoke("p1", "math", "l1", T0 + 9)).toBe(false);
    expect((await links.get("l1"))?.revokedAt).toBe(T0 + 5);
    expect(await links.listLive("p1", "math", T0)).toEqual([]);
  });
}
