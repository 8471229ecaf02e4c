// One Rollcall server, one host site and one Chromium per test file; a fresh browser context per test.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll } from "vitest";
import { ContextPool, launchChromium } from "./browser.js";
import { type HostPath, type HostSite, startHostSite } from "./host-site.js";
import { PresenceApi } from "./presence-api.js";
import { type RollcallServer, startRollcall } from "./rollcall-server.js";
import { type PlatformUser, signUserToken, signViewerToken } from "./tokens.js";

export interface E2eEnvironment {
  rollcall: RollcallServer;
  host: HostSite;
  browser: Browser;
  /** GET /api/v1/presence with an owner's viewer token. */
  api: PresenceApi;
  ownerToken: string;
  contexts: ContextPool;
  /** A platform user nobody has seen yet (unique id per call). */
  newUser(name: string, role?: string): PlatformUser;
  /**
   * Signs a browser context in to the host site as `user` (a new context unless one is given)
   * and opens `path` in a new tab.
   */
  openUserTab(
    user: PlatformUser,
    path: HostPath,
    context?: BrowserContext,
  ): Promise<{ context: BrowserContext; page: Page }>;
}

/** Registers the file's hooks; call inside `describe`, read the result inside tests. */
export function useEnvironment(): () => E2eEnvironment {
  let env: E2eEnvironment | undefined;
  let rollcall: RollcallServer | undefined;
  let host: HostSite | undefined;
  let browser: Browser | undefined;
  let contexts: ContextPool | undefined;
  let counter = 0;
  const signedIn = new WeakSet<BrowserContext>();

  beforeAll(async () => {
    browser = await launchChromium(); // first: without a browser nothing else is worth starting
    rollcall = await startRollcall();
    host = await startHostSite(rollcall.origin);
    const b = browser;
    contexts = new ContextPool(() => b);
    const ownerToken = await signViewerToken(rollcall.secret, { id: "e2e-owner", role: "owner" });
    const r = rollcall;
    const h = host;
    const pool = contexts;
    env = {
      rollcall: r,
      host: h,
      browser: b,
      api: new PresenceApi(r.origin, ownerToken),
      ownerToken,
      contexts: pool,
      newUser(name, role = "Learner") {
        counter += 1;
        const slug = name.toLowerCase().replace(/[^a-z]+/g, "-");
        return { id: `u${counter}-${slug}`, name, email: `${slug}@school.example`, role };
      },
      async openUserTab(user, path, context) {
        const ctx = context ?? (await pool.create());
        if (!signedIn.has(ctx)) {
          await h.signIn(ctx, await signUserToken(r.secret, user));
          signedIn.add(ctx);
        }
        const page = await ctx.newPage();
        await page.goto(h.url(path));
        return { context: ctx, page };
      },
    };
  });

  afterEach(async () => {
    await contexts?.closeAll();
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await host?.close();
    await rollcall?.stop();
    // The server logs at warn level (JSON lines): anything logged is worth a look.
    const logs = (rollcall?.output() ?? "")
      .split("\n")
      .filter((line) => line.trimStart().startsWith("{"));
    if (logs.length) console.log(`--- Rollcall server logs ---\n${logs.join("\n")}`);
  });

  return () => {
    if (!env) throw new Error("the e2e environment did not start (see beforeAll)");
    return env;
  };
}
