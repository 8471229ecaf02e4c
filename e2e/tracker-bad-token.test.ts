// A host page with a bad user token: the tracker stays quiet (no errors thrown into the page)
// and Rollcall registers nobody.
import { describe, expect, it } from "vitest";
import {
  browserSkipReason,
  collectPageErrors,
  nextTrackerSocketClose,
  suiteName,
} from "./support/browser.js";
import { useEnvironment } from "./support/environment.js";
import { HOST_PAGES } from "./support/host-site.js";
import { signUserToken, signViewerToken } from "./support/tokens.js";

describe.skipIf(browserSkipReason !== null)(suiteName("tracker with a bad token"), () => {
  const env = useEnvironment();

  it("never throws into the host page and shows nobody", async () => {
    const { rollcall, host, contexts, api } = env();
    const mallory = { id: "mallory", name: "Mallory", email: "m@example.com", role: "Learner" };
    const badTokens: Record<string, string> = {
      "not a JWT": "not-a-jwt",
      "wrong secret": await signUserToken("some-other-platform-secret", mallory),
      expired: await signUserToken(rollcall.secret, mallory, -60),
      "viewer token": await signViewerToken(rollcall.secret, { id: "mallory", role: "owner" }),
    };

    for (const [kind, token] of Object.entries(badTokens)) {
      const context = await contexts.create();
      await host.signIn(context, token);
      const page = await context.newPage();
      const errors = collectPageErrors(page);
      const refused = nextTrackerSocketClose(page);
      await page.goto(host.url("/"));
      await refused;
      // The host page still works: its own navigation runs as before.
      await page.click('a[href="/lessons/fractions"]');
      expect(await page.title(), kind).toBe(HOST_PAGES["/lessons/fractions"]);
      expect(
        await page.evaluate(() => typeof (window as { rollcall?: unknown }).rollcall),
        kind,
      ).toBe("function");
      expect(errors.uncaught, `${kind}: uncaught errors in the host page`).toEqual([]);
      await context.close();
    }

    const snapshot = await api.snapshot();
    expect(snapshot.users).toEqual([]);
    expect(snapshot.summary).toMatchObject({ totalUsers: 0, online: 0, idle: 0 });
  });
});
