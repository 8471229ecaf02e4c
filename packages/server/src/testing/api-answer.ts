// One answer of the HTTP API as a test compares it, and where two such answers first differ.
import type { TestRollcall } from "./test-rollcall.js";

/** Status, the headers that carry meaning, and the body: parsed JSON, or text (CSV). */
export interface Answer {
  status: number;
  type: string | null;
  disposition: string | null;
  body: unknown;
}

/** GET `path` as a viewer with `token`. */
export async function ask(
  server: TestRollcall,
  token: string,
  path: string,
  accept = "application/json",
): Promise<Answer> {
  const response = await fetch(`${server.url}${path}`, {
    headers: { authorization: `Bearer ${token}`, accept },
  });
  const type = response.headers.get("content-type");
  const text = await response.text();
  return {
    status: response.status,
    type,
    disposition: response.headers.get("content-disposition"),
    body: type?.startsWith("application/json") ? JSON.parse(text) : text,
  };
}

/** The first field, by path, where two answers differ (a CSV: its first line); null when equal. */
export function firstDifference(
  a: unknown,
  b: unknown,
  field: string,
): { field: string; first: unknown; second: unknown } | null {
  if (Object.is(a, b)) return null;
  if (typeof a === "object" && typeof b === "object" && a !== null && b !== null) {
    if (Array.isArray(a) !== Array.isArray(b)) return { field, first: a, second: b };
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    if (Array.isArray(a) && a.length !== (b as unknown[]).length) {
      return { field: `${field}.length`, first: a.length, second: (b as unknown[]).length };
    }
    for (const key of keys) {
      const found = firstDifference(
        (a as Record<string, unknown>)[key],
        (b as Record<string, unknown>)[key],
        Array.isArray(a) ? `${field}[${key}]` : `${field}.${key}`,
      );
      if (found !== null) return found;
    }
    return null;
  }
  if (typeof a === "string" && typeof b === "string" && a.includes("\n")) {
    // CSV: the first line that differs.
    const x = a.split("\n");
    const y = b.split("\n");
    const line = x.findIndex((row, i) => row !== y[i]);
    const at = line === -1 ? x.length : line;
    return { field: `${field} line ${at + 1}`, first: x[at], second: y[at] };
  }
  return { field, first: a, second: b };
}
