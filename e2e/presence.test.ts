// What a viewer sees when platform users come, move, idle, open tabs, reload and leave:
// the real server and tracker, a host page on another origin, the API and the dashboard.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { browserSkipReason, nextTrackerWelcome, suiteName } from "./support/browser.js";
import {
  chooseLiveMode,
  DASHBOARD_VIEWPORT,
  openDashboard,
  rowState,
} from "./support/dashboard.js";
import { useEnvironment } from "./support/environment.js";
import { eventually, SETTLE_MS, since } from "./support/eventually.js";
import { HOST_APP, HOST_PAGES } from "./support/host-site.js";
import type { PresenceUser } from "./support/presence-api.js";

/**
 * Input in the user's tab, as a person reading it would give: a user turns idle 3 s after their
 * last input here, and a loaded machine may take longer than that to show what a test waits for.
 * How fast a change reaches a viewer is a benchmark figure (BENCHMARKS.md), not a test's bound.
 */
async function stayActive(page: Page): Promise<void> {
  await page.mouse.move(10 + Math.floor(Math.random() * 300), 10 + Math.floor(Math.random() * 200));
}

describe.skipIf(browserSkipReason !== null)(suiteName("presence in a real browser"), () => {
  const env = useEnvironment();

  async function openOwnerDashboard() {
    const { contexts, rollcall, ownerToken } = env();
    const context = await contexts.create({ viewport: DASHBOARD_VIEWPORT });
    return openDashboard(context, rollcall.origin, ownerToken);
  }

  it("shows a user online on their page once the host page loads the tracker", async () => {
    const { api, openUserTab, newUser } = env();
    const user = newUser("Ada Lovelace");
    const { page } = await openUserTab(user, "/lessons/algebra");

    const seen = await eventually(
      async () => {
        await stayActive(page);
        const row = await api.requireUser(user.id);
        expect(row).toMatchObject({
          name: user.name,
          email: user.email,
          role: user.role,
          status: "online",
          connections: 1,
          currentPage: {
            path: "/lessons/algebra",
            title: HOST_PAGES["/lessons/algebra"],
            app: HOST_APP,
          },
        });
        return row;
      },
      SETTLE_MS,
      { what: "API shows the user online" },
    );
    expect(seen.sessionStartedAt).not.toBeNull();

    const dashboard = await openOwnerDashboard();
    expect(new URL(dashboard.url()).pathname).toBe("/");
    await eventually(
      async () => {
        await stayActive(page);
        const row = await rowState(dashboard, user.id);
        expect(row.status).toBe("online");
        expect(row.text).toContain(user.name);
        expect(row.text).toContain(HOST_PAGES["/lessons/algebra"]);
        expect(row.text).toContain("/lessons/algebra");
      },
      SETTLE_MS,
      { what: "dashboard row online on /lessons/algebra" },
    );
  });

  it("follows a pushState navigation and title change (API and Live dashboard)", async () => {
    const { api, openUserTab, newUser, contexts, rollcall, ownerToken } = env();
    const user = newUser("Grace Hopper");
    const { page } = await openUserTab(user, "/");
    await eventually(async () => {
      await stayActive(page);
      expect((await api.requireUser(user.id)).status).toBe("online");
    }, SETTLE_MS);

    const context = await contexts.create({ viewport: DASHBOARD_VIEWPORT });
    // How the live stream reached the browser: its EventSource asks for gzip, and gets it.
    const streamEncodings: string[] = [];
    context.on("response", (response) => {
      if (new URL(response.url()).pathname === "/api/v1/presence/stream") {
        streamEncodings.push(response.headers()["content-encoding"] ?? "identity");
      }
    });
    const dashboard = await openDashboard(context, rollcall.origin, ownerToken);
    await chooseLiveMode(dashboard);
    await eventually(
      async () => expect((await rowState(dashboard, user.id)).text).toContain(HOST_PAGES["/"]),
      SETTLE_MS,
      { what: "dashboard row on the home page" },
    );

    await page.click('a[href="/lessons/fractions"]');
    expect(await page.title()).toBe(HOST_PAGES["/lessons/fractions"]);
    await eventually(
      async () =>
        expect((await api.requireUser(user.id)).currentPage).toEqual({
          path: "/lessons/fractions",
          title: HOST_PAGES["/lessons/fractions"],
          app: HOST_APP,
        }),
      SETTLE_MS,
      { what: "API currentPage follows pushState" },
    );
    await eventually(
      async () => {
        const row = await rowState(dashboard, user.id);
        expect(row.text).toContain(HOST_PAGES["/lessons/fractions"]);
        expect(row.text).toContain("/lessons/fractions");
      },
      SETTLE_MS,
      { what: "Live dashboard row shows the new page" },
    );
    expect(streamEncodings.length).toBeGreaterThan(0);
    expect(new Set(streamEncodings)).toEqual(new Set(["gzip"]));
  });

  it("turns a user idle after 3 s without input and back online on mouse or key input", async () => {
    const { api, openUserTab, newUser } = env();
    const user = newUser("Alan Turing");
    const { page } = await openUserTab(user, "/lessons/algebra");
    await eventually(async () => {
      await stayActive(page);
      expect((await api.requireUser(user.id)).status).toBe("online");
    }, SETTLE_MS);
    const dashboard = await openOwnerDashboard();
    await eventually(() => rowState(dashboard, user.id), SETTLE_MS);

    const waitForIdle = async (lastInputAt: number) => {
      const idleAfterMs = await eventually(
        async () => {
          expect((await api.requireUser(user.id)).status).toBe("idle");
          return since(lastInputAt);
        },
        3000 + SETTLE_MS,
        { what: "API shows the user idle", intervalMs: 200 },
      );
      // Not before the 3 s threshold (a little slack for polling); after it, within the wait's
      // generous bound: a loaded machine may see it late. `lastInputAt` is taken before the input.
      expect(idleAfterMs).toBeGreaterThanOrEqual(2500);
    };

    await page.mouse.move(20, 20);
    const inputAt = Date.now();
    await page.mouse.move(120, 80);
    await waitForIdle(inputAt);
    const snapshot = await api.snapshot();
    expect(snapshot.summary.idle).toBeGreaterThanOrEqual(1);

    // Auto-refresh is every 5 s: "Refresh now" must show it at once.
    await dashboard.getByTestId("refresh-now").click();
    await eventually(
      async () => expect((await rowState(dashboard, user.id)).status).toBe("idle"),
      SETTLE_MS,
      { what: "dashboard row idle after Refresh now" },
    );

    await chooseLiveMode(dashboard);
    const movedAt = Date.now();
    await page.mouse.move(300, 200);
    await eventually(
      async () => {
        await stayActive(page);
        expect((await api.requireUser(user.id)).status).toBe("online");
      },
      SETTLE_MS,
      { what: "API online again after a mouse move" },
    );
    await eventually(
      async () => {
        await stayActive(page);
        expect((await rowState(dashboard, user.id)).status).toBe("online");
      },
      SETTLE_MS,
      { what: "Live dashboard row online again after a mouse move" },
    );

    await waitForIdle(movedAt);
    await eventually(
      async () => {
        // A key press, not a mouse move: each try presses again, as someone typing would.
        await page.keyboard.press("KeyA");
        expect((await api.requireUser(user.id)).status).toBe("online");
      },
      SETTLE_MS,
      { what: "API online again after a key press" },
    );
  });

  it("counts a second tab as a second connection of the same user", async () => {
    const { api, openUserTab, newUser } = env();
    const user = newUser("Katherine Johnson");
    const { context, page: first } = await openUserTab(user, "/");
    await eventually(async () => {
      await stayActive(first);
      expect(await api.requireUser(user.id)).toMatchObject({ status: "online", connections: 1 });
    }, SETTLE_MS);
    const totalBefore = (await api.snapshot()).summary.totalUsers;

    const { page: second } = await openUserTab(user, "/quiz/3", context);
    await eventually(
      async () => {
        await stayActive(second);
        const snapshot = await api.snapshot();
        expect(snapshot.users.filter((row) => row.id === user.id)).toHaveLength(1);
        expect(snapshot.summary.totalUsers).toBe(totalBefore);
        const row = snapshot.users.find((r) => r.id === user.id);
        expect(row).toMatchObject({ status: "online", connections: 2 });
        // The newest tab was opened by the user: it is the most recently active one.
        expect(row?.currentPage?.path).toBe("/quiz/3");
      },
      SETTLE_MS,
      { what: "one user with two connections" },
    );
  });

  it("keeps the session across a reload", async () => {
    const { api, openUserTab, newUser } = env();
    const user = newUser("Mary Somerville");
    const { page } = await openUserTab(user, "/");
    const before = await eventually(async () => {
      await stayActive(page);
      const row = await api.requireUser(user.id);
      expect(row.status).toBe("online");
      expect(row.sessionStartedAt).not.toBeNull();
      return row;
    }, SETTLE_MS);
    await page.click('a[href="/quiz/3"]');
    await eventually(
      async () => expect((await api.requireUser(user.id)).currentPage?.path).toBe("/quiz/3"),
      SETTLE_MS,
    );

    const welcomed = nextTrackerWelcome(page);
    await page.reload();
    await welcomed;
    const after: PresenceUser = await eventually(
      async () => {
        await stayActive(page);
        const row = await api.requireUser(user.id);
        expect(row).toMatchObject({ status: "online", connections: 1 });
        expect(row.currentPage?.path).toBe("/quiz/3");
        return row;
      },
      SETTLE_MS,
      { what: "online again after the reload" },
    );
    expect(after.sessionStartedAt).toBe(before.sessionStartedAt);
  });

  it("shows a user offline once they close their last tab", async () => {
    const { api, openUserTab, newUser } = env();
    const user = newUser("Emmy Noether");
    const { context, page: first } = await openUserTab(user, "/");
    const { page: last } = await openUserTab(user, "/lessons/fractions", context);
    await eventually(
      async () => expect(await api.requireUser(user.id)).toMatchObject({ connections: 2 }),
      SETTLE_MS,
    );

    const dashboard = await openOwnerDashboard();
    await chooseLiveMode(dashboard);
    await eventually(async () => {
      await stayActive(last);
      expect((await rowState(dashboard, user.id)).status).toBe("online");
    }, SETTLE_MS);

    await first.close();
    await eventually(
      async () => {
        await stayActive(last);
        expect(await api.requireUser(user.id)).toMatchObject({ status: "online", connections: 1 });
      },
      SETTLE_MS,
      { what: "still online with one tab left" },
    );

    await last.close();
    await eventually(
      async () => {
        const row = await api.requireUser(user.id);
        expect(row).toMatchObject({ status: "offline", connections: 0 });
        expect(row.lastSeenAt).not.toBeNull();
      },
      SETTLE_MS,
      { what: "API shows the user offline" },
    );
    await eventually(
      async () => {
        const row = await rowState(dashboard, user.id);
        expect(row.status).toBe("offline");
        expect(row.text).toMatch(/last seen/i);
      },
      SETTLE_MS,
      { what: "Live dashboard row offline, showing when last seen" },
    );
  });

  it("shows a title changed while the tracker was still connecting", async () => {
    const { contexts, api, openUserTab, newUser } = env();
    const user = newUser("Grace Hopper");
    const context = await contexts.create();
    // Hold the server's welcome until the page has changed its title after the hello was sent.
    let releaseWelcome: () => void = () => undefined;
    const welcomeHeld = new Promise<void>((resolve) => {
      releaseWelcome = resolve;
    });
    let helloSent: () => void = () => undefined;
    const helloSeen = new Promise<void>((resolve) => {
      helloSent = resolve;
    });
    await context.routeWebSocket(/\/api\/v1\/track\/ws/, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((message) => {
        if (typeof message === "string" && message.includes('"hello"')) helloSent();
        server.send(message);
      });
      server.onMessage(async (message) => {
        if (typeof message === "string" && message.includes('"welcome"')) await welcomeHeld;
        ws.send(message);
      });
    });
    const { page } = await openUserTab(user, "/lessons/algebra", context);
    await helloSeen;
    await page.evaluate(() => {
      document.title = "Renamed while connecting";
    });
    // Longer than the tracker waits for a page to settle (it would have sent the change by now).
    await page.waitForTimeout(500);
    releaseWelcome();
    await eventually(
      async () => {
        const row = await api.requireUser(user.id);
        expect(row.currentPage?.title).toBe("Renamed while connecting");
      },
      SETTLE_MS,
      { what: "API shows the title set before the welcome" },
    );
  });
});
