// The longest lifetime a token may have: exp from now, exp − iat, a signer's clock a minute
// ahead, and times too large to be numbers, for user and viewer tokens alike.
import { USER_AUDIENCE, VIEWER_AUDIENCE } from "@rollcall/protocol";
import { describe, expect, it } from "vitest";
import {
  CLAIMS,
  encode,
  failureOf,
  HS256,
  NOW,
  NOW_S,
  rawToken,
  SECRET,
  signedAs,
} from "../testing/raw-tokens.js";
import { TOKEN_CLOCK_SKEW_SECONDS, TokenVerifier } from "./token-verifier.js";

describe("TokenVerifier's longest token lifetime", () => {
  const MAX = 3_600;
  const bounded = new TokenVerifier(
    async (platform) => (platform === "default" ? [SECRET] : null),
    () => NOW,
    { maxLifetimeSeconds: MAX },
  );
  const LIFETIME_MESSAGE = `the longest token lifetime allowed is ${MAX} s`;

  it("accepts a token that lives exactly the longest lifetime, and gives its expiry in ms", async () => {
    const token = rawToken(HS256, { ...CLAIMS, exp: NOW_S + MAX });
    expect(await bounded.verifyUser(token)).toMatchObject({ expiresAt: (NOW_S + MAX) * 1000 });
  });

  it("refuses a user or viewer token whose exp is further than the longest lifetime", async () => {
    const far = { ...CLAIMS, iat: undefined, exp: NOW_S + MAX + TOKEN_CLOCK_SKEW_SECONDS + 1 };
    expect(await failureOf(bounded.verifyUser(rawToken(HS256, far)))).toContain(LIFETIME_MESSAGE);
    const viewer = { ...far, aud: VIEWER_AUDIENCE, role: "admin" };
    expect(await failureOf(bounded.verifyViewer(rawToken(HS256, viewer)))).toContain(
      LIFETIME_MESSAGE,
    );
  });

  it("allows a signer's clock a minute ahead of ours when the token has no iat", async () => {
    const ahead = { ...CLAIMS, iat: undefined, exp: NOW_S + MAX + TOKEN_CLOCK_SKEW_SECONDS };
    expect(await failureOf(bounded.verifyUser(rawToken(HS256, ahead)))).toBe("ok");
  });

  it("refuses a token whose exp − iat is over the longest lifetime, even when exp is near", async () => {
    const token = rawToken(HS256, { ...CLAIMS, iat: NOW_S - 2 * MAX, exp: NOW_S + 60 });
    expect(await failureOf(bounded.verifyUser(token))).toBe(
      `token_invalid: token lifetime (exp - iat) is over the ${MAX} s allowed`,
    );
  });

  it("refuses a huge or infinite exp, iat or nbf without crashing", async () => {
    // JSON's 1e400 parses to Infinity: the payloads are written by hand to get there.
    const withRawTimes = (times: string) => {
      const payload = `{"sub":"u1","aud":"${USER_AUDIENCE}",${times}}`;
      return signedAs(`${encode(HS256)}.${Buffer.from(payload).toString("base64url")}`);
    };
    const cases: Array<[string, string]> = [
      ['"exp":1e308', LIFETIME_MESSAGE],
      ['"exp":1e400', 'token claim "exp" is not valid: invalid'],
      [`"exp":${NOW_S + 60},"iat":-1e400`, 'token claim "iat" is not valid: invalid'],
      [`"exp":${NOW_S + 60},"iat":-1e308`, "token lifetime (exp - iat) is over"],
      [`"exp":${NOW_S + 60},"nbf":-1e400`, 'token claim "nbf" is not valid: invalid'],
    ];
    for (const [times, message] of cases) {
      const failure = await failureOf(bounded.verifyUser(withRawTimes(times)));
      expect(failure, times).toMatch(/^token_invalid: /);
      expect(failure, times).toContain(message);
    }
  });

  it("defaults to a day", async () => {
    const daily = new TokenVerifier(
      async () => [SECRET],
      () => NOW,
    );
    const day = rawToken(HS256, { ...CLAIMS, exp: NOW_S + 86_400 });
    const longer = rawToken(HS256, { ...CLAIMS, exp: NOW_S + 86_401 });
    expect(await failureOf(daily.verifyUser(day))).toBe("ok");
    expect(await failureOf(daily.verifyUser(longer))).toContain("over the 86400 s allowed");
  });
});
