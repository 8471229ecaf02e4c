// Seeded randomness and the hostile values every fuzz case is built from (wrong types, deep, broken bytes).

import { seededRandom } from "./seeded-random.js";

/** Seeded (seeded-random.ts): the same cases for the same seed everywhere. */
export class Random {
  readonly next: () => number;

  constructor(seed: number) {
    this.next = seededRandom(seed);
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  bytes(length: number): Buffer {
    const out = Buffer.alloc(length);
    for (let i = 0; i < length; i++) out[i] = Math.floor(this.next() * 256);
    return out;
  }

  /** Text mixing ASCII, control characters, emoji and lone surrogates. */
  text(maxLength: number): string {
    const parts = [
      "a",
      "Z",
      "0",
      " ",
      "\u0000",
      "\u001f",
      "é",
      "日本",
      "😀",
      "\ud800",
      "\udfff",
      '"',
      "\\",
      "<",
      "%",
    ];
    let out = "";
    const length = this.int(0, maxLength);
    while (out.length < length) out += this.pick(parts);
    return out;
  }
}

/** Any JSON value that is not of the named kind. */
export function wrongType(
  random: Random,
  not: "string" | "number" | "boolean" | "object" | "array",
): unknown {
  const values: Array<[string, unknown]> = [
    ["string", random.text(8)],
    ["number", random.pick([0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1])],
    ["boolean", random.next() < 0.5],
    ["null", null],
    ["object", { nested: { x: random.text(4) } }],
    ["array", [1, "two", null]],
  ];
  return random.pick(values.filter(([kind]) => kind !== not))[1];
}

/** Nested arrays or objects, `depth` levels, as raw JSON text (too deep to build as values). */
export function deepJson(random: Random, depth: number): string {
  return random.next() < 0.5
    ? `${"[".repeat(depth)}${"]".repeat(depth)}`
    : `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
}

/** Turns valid JSON text into broken bytes: cut short, invalid UTF-8, stray bytes, or noise. */
export function corrupt(random: Random, text: string): Buffer {
  switch (random.int(0, 3)) {
    case 0:
      return Buffer.from(text.slice(0, random.int(0, Math.max(0, text.length - 1))));
    case 1: {
      const at = random.int(0, text.length);
      return Buffer.concat([
        Buffer.from(text.slice(0, at)),
        Buffer.from([0xff, 0xfe, 0xed, 0xa0, 0x80, 0xc3]),
        Buffer.from(`${text.slice(at)}}`),
      ]);
    }
    case 2:
      return Buffer.from(`${text},,]`);
    default:
      return random.bytes(random.int(1, 512));
  }
}

export const PAGE = { path: "/lesson/1", title: "Lesson" };
