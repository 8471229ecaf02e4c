// A tracker socket outliving its token: asked for a fresh one, closed with 4401 when none comes.
import { afterEach, describe, expect, it } from "vitest";
import { signUserToken } from "../auth/token-signer.js";
import {
  startTestRollcall,
  TEST_SECRET,
  type TestRollcall,
  TestTab,
} from "../testing/test-rollcall.js";
import { TOKEN_GRACE_MS } from "./tracker-socket.js";

let rollcall: TestRollcall | null = null;
afterEach(async () => {
  await rollcall?.stop();
  rollcall = null;
});

/** The sweep runs every 5 s of real time; a message it sends may take that long, and more on a busy machine. */
const SWEEP_WAIT_MS = 20_000;

describe("tracker token expiry on an open socket", () => {
  it("asks for a fresh token at expiry, keeps a tab that sends one, closes one that does not with 4401", async () => {
    let now = Date.UTC(2026, 5, 1, 12);
    const clock = () => now;
    // A long heartbeat, so moving the clock by minutes is no silence.
    rollcall = await startTestRollcall(
      { ROLLCALL_HEARTBEAT_SECONDS: "300", ROLLCALL_SESSION_GRACE_SECONDS: "600" },
      undefined,
      clock,
    );
    const token = (sub: string, ttlSeconds = 30) =>
      signUserToken({ sub }, { secret: TEST_SECRET, ttlSeconds, now });
    const renewing = new TestTab(rollcall.url, "tab-renewing-01");
    const stale = new TestTab(rollcall.url, "tab-stale-0001");
    const welcome = await renewing.open(await token("renewer"));
    expect(welcome).toMatchObject({
      t: "welcome",
      tokenExpiresAt: (Math.floor(now / 1000) + 30) * 1000,
    });
    await stale.open(await token("stale"));

    const openedAt = rollcall.presence.view("default", "renewer")?.connections[0]?.openedAt;
    expect(openedAt).toBe(now);

    now += 31_000;
    expect(await renewing.next(SWEEP_WAIT_MS)).toEqual({ t: "reauth", graceMs: TOKEN_GRACE_MS });
    expect(await stale.next(SWEEP_WAIT_MS)).toEqual({ t: "reauth", graceMs: TOKEN_GRACE_MS });
    renewing.send({ t: "identify", token: await token("renewer", 600) });
    expect(await renewing.next(SWEEP_WAIT_MS)).toMatchObject({ t: "welcome", user: "renewer" });
    // A refresh is not a reconnect: the same connection and page visit go on.
    expect(rollcall.presence.view("default", "renewer")?.connections[0]?.openedAt).toBe(openedAt);

    now += TOKEN_GRACE_MS + 1_000;
    expect(await stale.next(SWEEP_WAIT_MS)).toMatchObject({ t: "error", code: "token_expired" });
    expect(await stale.closed(SWEEP_WAIT_MS)).toBe(4401);
    // The renewed tab's token runs 10 minutes from its identify: nothing more is said to it.
    expect(renewing.closeCode).toBeNull();
    expect(renewing.inbox).toEqual([]);
    renewing.close();
  });
});
