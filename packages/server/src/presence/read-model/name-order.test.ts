// The kept name order against a fresh sort, through every kind of directory change.
import { describe, expect, it } from "vitest";
import type { UserRecord } from "../../storage/storage.js";
import { seededRandom } from "../../testing/seeded-random.js";
import { UserDirectory } from "../../users/user-directory.js";
import { NameOrder } from "./name-order.js";
import { compareEntries } from "./presence-query.js";

const NAMES = ["Ana", "ana", "Ben", "Émile", "Zoë", "cy", "Dee", "ben", "Ánа", "zoe"];
const byName = compareEntries("name");

function freshSort(directory: UserDirectory, platform: string): string[] {
  return [...directory.list(platform)]
    .map((record) => ({ record, view: null }))
    .sort(byName)
    .map((entry) => entry.record.id);
}

const ids = (records: readonly UserRecord[]) => records.map((r) => r.id);

describe("NameOrder", () => {
  it("stays equal to a fresh sort through registrations, renames, erasures and remote changes", () => {
    const random = seededRandom(5);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const directory = new UserDirectory();
    const profile = (id: string) => ({ id, name: pick(NAMES), email: `${id}@x`, role: "student" });
    for (let i = 0; i < 200; i++) directory.upsert("p", profile(`u${i}`), 0);
    const order = new NameOrder(directory);
    expect(ids(order.of("p"))).toEqual(freshSort(directory, "p"));
    for (let step = 0; step < 2_000; step++) {
      const id = `u${Math.floor(random() * 260)}`;
      const kind = random();
      if (kind < 0.5) directory.upsert("p", profile(id), step);
      else if (kind < 0.7) directory.remove("p", id);
      else if (kind < 0.9) {
        const record: UserRecord = {
          platform: "p",
          ...profile(id),
          createdAt: 0,
          lastSeenAt: null,
        };
        directory.applyRemote("p", id, record);
      } else directory.applyRemote("p", id, null);
      // Another platform's changes leave this one's order alone.
      directory.upsert("q", profile(id), step);
      if (step % 97 === 0) expect(ids(order.of("p"))).toEqual(freshSort(directory, "p"));
    }
    expect(ids(order.of("p"))).toEqual(freshSort(directory, "p"));
    expect(ids(order.of("q"))).toEqual(freshSort(directory, "q"));
  });

  it("is made again after a load", () => {
    const directory = new UserDirectory();
    directory.upsert("p", { id: "b", name: "Bea", email: "", role: "student" }, 0);
    const order = new NameOrder(directory);
    expect(ids(order.of("p"))).toEqual(["b"]);
    directory.load([
      {
        platform: "p",
        id: "a",
        name: "Abe",
        email: "",
        role: "student",
        createdAt: 0,
        lastSeenAt: null,
      },
    ]);
    expect(ids(order.of("p"))).toEqual(["a", "b"]);
  });
});
