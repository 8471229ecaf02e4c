// Media types in Content-Type and Accept, compared as RFC 9110 §8.3.1 says: case-insensitively.

/** The type/subtype of a Content-Type header, lowercased, without parameters ("" when absent). */
export function mediaTypeOf(header: string | undefined): string {
  return (header ?? "").split(";", 1)[0]!.trim().toLowerCase();
}

/**
 * True when an Accept header names `type` (lowercase type/subtype) with a q-value above zero.
 * Wildcards do not count: a browser's `*\/*` asks for nothing in particular.
 */
export function acceptsMediaType(header: string | undefined, type: string): boolean {
  if (!header) return false;
  for (const part of header.split(",")) {
    const [name = "", ...params] = part.split(";").map((s) => s.trim().toLowerCase());
    if (name !== type) continue;
    const q = params.find((p) => p.startsWith("q="));
    return q === undefined || Number(q.slice(2)) > 0;
  }
  return false;
}
