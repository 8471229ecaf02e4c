import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import type { Storage } from "../storage/storage.js";
import { BackendAuth } from "./backend-auth.js";

const request = (secret: string) =>
  ({ headers: { authorization: `Bearer ${secret}` } }) as unknown as IncomingMessage;

describe("BackendAuth", () => {
  it("knows a platform by its secret, and stops knowing a removed one at the next read", async () => {
    let secrets = ["secret-a-0123456789"];
    let reads = 0;
    const storage = {
      listPlatforms: async () => {
        reads++;
        return [{ id: "p1", name: "p1", secrets, createdAt: 0 }];
      },
    } as unknown as Storage;
    let now = 0;
    const auth = new BackendAuth(storage, () => now);
    expect(await auth.platformOf(request("secret-a-0123456789"))).toBe("p1");
    expect(await auth.platformOf(request("secret-a-0123456789"))).toBe("p1");
    await expect(auth.platformOf(request("secret-x-0123456789"))).rejects.toThrow(
      "not a platform secret",
    );
    expect(reads).toBe(1);

    // Rotated to B without A; the next request after 10 s reads again (in the background).
    secrets = ["secret-b-0123456789"];
    now = 10_001;
    expect(await auth.platformOf(request("secret-a-0123456789"))).toBe("p1");
    await new Promise((resolve) => setImmediate(resolve));
    expect(reads).toBe(2);
    await expect(auth.platformOf(request("secret-a-0123456789"))).rejects.toThrow(
      "not a platform secret",
    );
    expect(await auth.platformOf(request("secret-b-0123456789"))).toBe("p1");
  });
});
