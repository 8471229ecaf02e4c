// Whether a client takes a gzip-compressed body, from its Accept-Encoding header (RFC 9110 §12.5.3).

/**
 * True when `header` lists `gzip` (or `x-gzip`, or `*` without naming gzip) with a q-value above
 * zero. An absent header means "anything", but clients that send none are scripts: they get the
 * plain body.
 */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  if (header === undefined) return false;
  const text = Array.isArray(header) ? header.join(",") : header;
  let wildcard: boolean | null = null;
  for (const part of text.split(",")) {
    const [name = "", ...params] = part.split(";").map((s) => s.trim().toLowerCase());
    const q = params.find((p) => p.startsWith("q="));
    const isAccepted = q === undefined || Number(q.slice(2)) > 0;
    if (name === "gzip" || name === "x-gzip") return isAccepted;
    if (name === "*") wildcard = isAccepted;
  }
  return wildcard === true;
}
