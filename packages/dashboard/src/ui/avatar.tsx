// A round badge with a person's initials, its hue derived from their id so it stays the same.
import type { CSSProperties } from "react";

const HUES = [210, 250, 280, 320, 15, 35, 160, 190];

function initialsOf(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const first = words[0]?.[0] ?? "?";
  const last = words.length > 1 ? (words[words.length - 1]?.[0] ?? "") : "";
  return (first + last).toUpperCase();
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
