// Finds a NUL character in parsed JSON: no store keeps it as text (PostgreSQL refuses it outright).

/** The path of the first string (key or value) holding U+0000, or null when there is none. */
export function findNulCharacter(value: unknown, root: string): string | null {
  const stack: Array<{ value: unknown; path: string }> = [{ value, path: root }];
  while (stack.length > 0) {
    const { value: current, path } = stack.pop()!;
    if (typeof current === "string") {
      if (current.includes("\u0000")) return path;
    } else if (Array.isArray(current)) {
      current.forEach((item, i) => {
        stack.push({ value: item, path: `${path}[${i}]` });
      });
    } else if (current !== null && typeof current === "object") {
      for (const [key, item] of Object.entries(current)) {
        if (key.includes("\u0000")) return `${path}.${key.replaceAll("\u0000", "\\u0000")}`;
        stack.push({ value: item, path: `${path}.${key}` });
      }
    }
  }
  return null;
}

/**
 * findNulCharacter for a value JSON.parse made of `text`. JSON cannot carry U+0000 raw (JSON.parse
 * refuses it), only as the escape \u0000: text without that escape needs no walk. That is nearly
 * every frame and body, and the walk allocated a path per value (a tenth of a busy server's
 * garbage at 40,000 tracker frames a second).
 */
export function findNulCharacterInJson(text: string, value: unknown, root: string): string | null {
  return text.includes("\\u0000") ? findNulCharacter(value, root) : null;
}
