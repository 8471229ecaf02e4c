import { describe, expect, it } from "vitest";
import { AppError } from "../errors/app-error.js";
import type { ConnectionView, Transport, UserPresenceView } from "../presence/engine/types.js";
import type { PresenceService } from "../presence/presence-service.js";
import { UserTabLimit } from "./user-tab-limit.js";

/** Presence holding `tabs` for user "ann" on platform "p". */
function presenceWith(tabs: { tab: string; transport: Transport }[]) {
  return {
    view: (platform: string, user: string) =>
      platform === "p" && user === "ann"
        ? ({ connections: tabs as ConnectionView[] } as UserPresenceView)
        : null,
  } satisfies Pick<PresenceService, "view">;
}

const key = (tab: string, user = "ann") => ({ platform: "p", user, tab });

function refusal(run: () => void): string | null {
  try {
    run();
    return null;
  } catch (error) {
    return error instanceof AppError ? error.code : String(error);
  }
}

describe("UserTabLimit", () => {
  it("refuses a new tab once the user holds the cap, counting WebSocket and HTTP tabs together", () => {
    const limit = new UserTabLimit(
      presenceWith([
        { tab: "ws-1", transport: "ws" },
        { tab: "http-1", transport: "http" },
        { tab: "http-2", transport: "http" },
      ]),
      3,
    );
    expect(refusal(() => limit.admit(key("new")))).toBe("rate_limited");
  });

  it("admits a tab the user already holds at the cap (a reconnect, an HTTP tab's next batch)", () => {
    const limit = new UserTabLimit(
      presenceWith([
        { tab: "ws-1", transport: "ws" },
        { tab: "http-1", transport: "http" },
      ]),
      2,
    );
    expect(refusal(() => limit.admit(key("http-1")))).toBeNull();
    expect(refusal(() => limit.admit(key("ws-1")))).toBeNull();
  });

  it("admits new tabs below the cap, and users presence does not know", () => {
    const limit = new UserTabLimit(presenceWith([{ tab: "a", transport: "http" }]), 2);
    expect(refusal(() => limit.admit(key("b")))).toBeNull();
    expect(refusal(() => limit.admit(key("x", "bob")))).toBeNull();
  });
});
