// Viewer sessions: their longest age whatever the token, sign-out and revocation server-side, and
// sign-in costing one scrypt whether the email exists or not.
import type { IncomingMessage } from "node:http";
import type { Viewer } from "@rollcall/protocol";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { OperatorRecord, ViewerSessionRecord } from "../storage/storage.js";
import * as passwords from "./passwords.js";
import { signViewerToken } from "./token-signer.js";
import { TokenVerifier } from "./token-verifier.js";
import { ViewerAuth, type ViewerAuthStorage } from "./viewer-auth.js";

vi.mock("./passwords.js", { spy: true });

const SECRET = "viewer-auth-secret-0123";
const T0 = Date.UTC(2026, 0, 15, 9, 0, 0);
const SESSION_MS = 8 * 3_600_000;

/** Sessions and operators in memory, with the database's expiry rule (expires_at > now). */
class MemorySessions implements ViewerAuthStorage {
  readonly sessions = new Map<string, ViewerSessionRecord>();
  readonly operators = new Map<string, OperatorRecord>();
  async getOperator(email: string) {
    return this.operators.get(email) ?? null;
  }
  async saveViewerSession(session: ViewerSessionRecord) {
    this.sessions.set(session.idHash, session);
  }
  async getViewerSession(idHash: string, now: number) {
    const session = this.sessions.get(idHash);
    return session && session.expiresAt > now ? session : null;
  }
  async deleteViewerSession(idHash: string) {
    this.sessions.delete(idHash);
  }
}

let now: number;
let storage: MemorySessions;
let auth: ViewerAuth;

beforeEach(() => {
  now = T0;
  storage = new MemorySessions();
  const verifier = new TokenVerifier(
    async () => [SECRET],
    () => now,
  );
  auth = new ViewerAuth(storage, verifier, {
    sessionTtlMs: SESSION_MS,
    sameSite: "lax",
    clock: () => now,
  });
  vi.mocked(passwords.verifyPassword).mockClear();
});

/** A request carrying the cookie a Set-Cookie value sets. */
function withCookie(setCookie: string): IncomingMessage {
  return { headers: { cookie: setCookie.split(";")[0] }, method: "GET" } as IncomingMessage;
}

async function viewerFromTwoSecondToken(): Promise<Viewer> {
  const token = await signViewerToken(
    { sub: "ann", role: "admin" },
    { secret: SECRET, ttlSeconds: 2, now },
  );
  return new TokenVerifier(
    async () => [SECRET],
    () => now,
  ).verifyViewer(token);
}

describe("viewer sessions", () => {
  it("last the session setting from their start, and not a moment longer", async () => {
    const setCookie = await auth.startSession(await viewerFromTwoSecondToken(), false);
    expect(setCookie).toContain(`Max-Age=${SESSION_MS / 1000}`);
    // The token it came from expired long ago: the session outlives it, as /embed needs.
    now = T0 + SESSION_MS - 1;
    expect((await auth.identify(withCookie(setCookie)))?.viewer.id).toBe("ann");
    now = T0 + SESSION_MS;
    expect(await auth.identify(withCookie(setCookie))).toBeNull();
  });

  it("end on sign-out in the database: the same cookie replayed is refused", async () => {
    const setCookie = await auth.startSession(await viewerFromTwoSecondToken(), false);
    const cleared = await auth.endSession(withCookie(setCookie), false);
    expect(cleared).toContain("Max-Age=0");
    expect(storage.sessions.size).toBe(0);
    expect(await auth.identify(withCookie(setCookie))).toBeNull();
  });
});

describe("operator sign-in", () => {
  it("checks the password against a stand-in hash when the email is unknown", async () => {
    await expect(auth.login("nobody@example.com", "guess")).rejects.toMatchObject({
      code: "unauthorized",
      message: "email or password is wrong",
    });
    expect(passwords.verifyPassword).toHaveBeenCalledTimes(1);
    expect(passwords.verifyPassword).toHaveBeenCalledWith("guess", passwords.UNKNOWN_OPERATOR_HASH);
  });

  it("runs one password check for a known email, and refuses a wrong password the same way", async () => {
    const passwordHash = await passwords.hashPassword("right");
    storage.operators.set("op@example.com", {
      email: "op@example.com",
      name: "Op",
      passwordHash,
      createdAt: T0,
    });
    vi.mocked(passwords.verifyPassword).mockClear();
    await expect(auth.login("op@example.com", "wrong")).rejects.toMatchObject({
      code: "unauthorized",
      message: "email or password is wrong",
    });
    expect(passwords.verifyPassword).toHaveBeenCalledWith("wrong", passwordHash);
    expect((await auth.login(" OP@example.com ", "right")).id).toBe("op@example.com");
    expect(passwords.verifyPassword).toHaveBeenCalledTimes(2);
  });
});
