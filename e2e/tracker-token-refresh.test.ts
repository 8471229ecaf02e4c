// A page open longer than its tracker token lives: the tracker asks the page's hook for a fresh
// token before it expires and the same socket goes on, never cut off, the user present throughout.
import { describe, expect, it } from "vitest";
import { browserSkipReason, collectPageErrors, suiteName } from "./support/browser.js";
import { useEnvironment } from "./support/environment.js";
import { eventually } from "./support/eventually.js";
import { signUserToken } from "./support/tokens.js";

/**
 * The first token's life: short, so the refresh comes within the test (at nine tenths of it),
 * yet long enough that the page has loaded and said hello before it ends on a busy machine (a
 * 6-s token once expired while the page loaded: its sockets were refused, as they should be).
 */
const FIRST_TOKEN_SECONDS = 30;

describe.skipIf(browserSkipReason !== null)(suiteName("tracker token refresh"), () => {
  const env = useEnvironment();

  it("refreshes a short-lived token through onTokenRefresh on the same socket", async () => {
    const { rollcall, host, contexts, api, newUser } = env();
    const user = newUser("Rita Refresh");
    const context = await contexts.create();
    const signedAt = Date.now();
    await host.signIn(context, await signUserToken(rollcall.secret, user, FIRST_TOKEN_SECONDS));
    let asked = 0;
    await context.exposeFunction("freshRollcallToken", () => {
      asked += 1;
      return signUserToken(rollcall.secret, user, 3600);
    });
    // The host page's snippet, as packages/tracker/README.md gives it, before the tracker loads.
    await context.addInitScript(() => {
      const page = window as unknown as {
        rollcall?: ((...args: unknown[]) => void) & { q?: unknown[] };
        freshRollcallToken: () => Promise<string>;
      };
      page.rollcall =
        page.rollcall ||
        ((...args: unknown[]) => {
          const queued = page.rollcall as { q?: unknown[] };
          queued.q = queued.q || [];
          queued.q.push(args);
        });
      page.rollcall("onTokenRefresh", () => page.freshRollcallToken());
    });
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    let sockets = 0;
    let closes = 0;
    const sent: string[] = [];
    const received: string[] = [];
    page.on("websocket", (socket) => {
      if (!socket.url().includes("/api/v1/track/ws")) return;
      sockets += 1;
      socket.on("framesent", (frame) => sent.push(String(frame.payload)));
      socket.on("framereceived", (frame) => received.push(String(frame.payload)));
      socket.on("close", () => {
        closes += 1;
      });
    });
    await page.goto(host.url("/"));

    await eventually(
      () => {
        expect(sent.some((frame) => frame.includes('"identify"'))).toBe(true);
        expect(received.filter((frame) => frame.includes('"welcome"'))).toHaveLength(2);
      },
      FIRST_TOKEN_SECONDS * 1000 + 60_000,
      { what: "an identify with a fresh token, and its welcome" },
    );
    // Past the first token's end, and past the server's next check (every 5 s at most).
    const pastExpiry = signedAt + (FIRST_TOKEN_SECONDS + 7) * 1000;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, pastExpiry - Date.now())));

    expect(asked).toBeGreaterThanOrEqual(1);
    expect({ sockets, closes }).toEqual({ sockets: 1, closes: 0 });
    expect(received.some((frame) => frame.includes('"reauth"'))).toBe(false);
    // Present on its one connection (idle by now: nobody typed, and the test server's idle
    // threshold is short), never offline.
    const seen = await api.user(user.id);
    expect(seen?.connections).toBe(1);
    expect(seen?.status).not.toBe("offline");
    expect(errors.uncaught).toEqual([]);
  });
});
