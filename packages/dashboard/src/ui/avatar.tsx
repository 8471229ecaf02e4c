// A round badge with a person's initials, its hue derived from their id so it stays the same.
import type { CSSProperties } from "react";

const HUES = [210, 250, 280, 320, 15, 35, 160, 190];

/** First letters of the first and last words, whole characters (an emoji, an accented letter). */
export function initialsOf(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const first = firstCharacter(words[0] ?? "") || "?";
  const last = words.length > 1 ? firstCharacter(words[words.length - 1] ?? "") : "";
  return (first + last).toUpperCase();
}

const graphemes =
  typeof Intl.Segmenter === "function"
    ? new Intl.Segmenter(undefined, { granularity: "grapheme" })
    : null;

/** The first user-perceived character: a flag or a family emoji stays whole, never half a pair. */
function firstCharacter(word: string): string {
  if (!word) return "";
  if (graphemes) return graphemes.segment(word)[Symbol.iterator]().next().value?.segment ?? "";
  return Array.from(word)[0] ?? "";
}

function hueOf(id: string): number {
  let hash = 0;
  for (let index = 0; index < id.length; index++) hash = (hash * 31 + id.charCodeAt(index)) | 0;
  return HUES[Math.abs(hash) % HUES.length] ?? 210;
}

export function Avatar({
  id,
  name,
  size = "md",
}: {
  id: string;
  name: string;
  size?: "md" | "lg";
}) {
  return (
    <span
      className={`avatar avatar-${size}`}
      style={{ "--avatar-hue": hueOf(id) } as CSSProperties}
      aria-hidden="true"
    >
      {initialsOf(name)}
    </span>
  );
}
