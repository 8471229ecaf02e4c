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
