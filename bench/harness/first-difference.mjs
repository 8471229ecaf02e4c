// Compares two JSON answers field by field and names the fields where they differ, first first.

/**
 * The first field where `a` and `b` differ, in document order (`users[3].messagesSent: 120 ≠
 * 119`), or null when every field is equal. Numbers compare exactly.
 * @param {unknown} a
 * @param {unknown} b
 */
export function firstDifference(a, b) {
  return differences(a, b, 1)[0] ?? null;
}

/**
 * Up to `limit` fields where `a` and `b` differ, in document order, each as `path: a ≠ b`.
 * @param {unknown} a
 * @param {unknown} b
 * @param {number} limit
 * @returns {string[]}
 */
export function differences(a, b, limit) {
  /** @type {string[]} */
  const found = [];
  collect(a, b, "", found, limit);
  return found;
}

/**
 * @param {unknown} a
 * @param {unknown} b
 * @param {string} path
 * @param {string[]} found
 * @param {number} limit
 */
function collect(a, b, path, found, limit) {
  if (found.length >= limit || Object.is(a, b)) return;
  const here = path || "(the answer)";
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      collect(a[i], b[i], `${path}[${i}]`, found, limit);
    }
    if (a.length !== b.length && found.length < limit) {
      found.push(`${here}.length: ${a.length} ≠ ${b.length}`);
    }
    return;
  }
  if (isRecord(a) && isRecord(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      collect(a[key], b[key], path ? `${path}.${key}` : key, found, limit);
    }
    return;
  }
  found.push(`${here}: ${show(a)} ≠ ${show(b)}`);
}

/**
 * @param {unknown} value
 * @returns {value is Record<string, unknown>}
 */
function isRecord(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** @param {unknown} value */
function show(value) {
  return value === undefined ? "(absent)" : JSON.stringify(value).slice(0, 120);
}
