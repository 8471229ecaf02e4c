// When WebSockets are blocked, the tracker falls back to HTTP and the user is still seen exactly.
import { describe, expect, it } from "vitest";
import { browserSkipReason, suiteName } from "./support/browser.js";
import { useEnvironment } from "./support/environment.js";
import { eventually, SETTLE_MS } from "./support/eventually.js";
import { HOST_APP, HOST_PAGES } from "./support/host-site.js";

describe.skipIf(browserSkipReason !== null)(suiteName("HTTP fallback"), () => {
  const env = useEnvironment();

  it("shows a tab without WebSocket online, follows its navigation and sees it leave", async () => {
    const { api, contexts, openUserTab, newUser } = env();
    const user = newUser("Blocked Betty");
    const context = await contexts.create();
    // As a network that blocks WebSockets would leave it: no WebSocket at all.
    await context.addInitScript(() => {
      Reflect.deleteProperty(window, "WebSocket");
    });
    const requests: string[] = [];
    context.on("request", (request) => {
      if (request.url().includes("/api/v1/track")) requests.push(request.url());
    });
    const { page } = await openUserTab(user, "/lessons/algebra", context);

    await eventually(async () => {
      expect(await api.requireUser(user.id)).toMatchObject({
        status: "online",
        connections: 1,
        currentPage: {
          path: "/lessons/algebra",
          title: HOST_PAGES["/lessons/algebra"],
          app: HOST_APP,
        },
      });
    }, SETTLE_MS);
    expect(requests.every((url) => !url.includes("/ws"))).toBe(true);

    await page.locator('a[href="/quiz/3"]').click();
    await eventually(async () => {
      expect((await api.requireUser(user.id)).currentPage?.path).toBe("/quiz/3");
    }, SETTLE_MS);

    await page.close();
    await eventually(async () => {
      expect((await api.requireUser(user.id)).status).toBe("offline");
    }, SETTLE_MS);
  });
});
