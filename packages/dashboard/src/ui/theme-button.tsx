// The header's theme switch: cycles System → Light → Dark, and says which one is on.
import { setThemeChoice, THEME_CHOICES, type ThemeChoice, useThemeChoice } from "./theme";

const NEXT: Record<ThemeChoice, ThemeChoice> = { system: "light", light: "dark", dark: "system" };

export function ThemeButton({ className = "icon-button" }: { className?: string }) {
  const choice = useThemeChoice();
  const label = (value: ThemeChoice) =>
    THEME_CHOICES.find((option) => option.value === value)?.label ?? value;
  const text = `Theme: ${label(choice)}. Switch to ${label(NEXT[choice])}`;
  return (
    <button
      type="button"
      className={`${className} theme-button`}
      onClick={() => setThemeChoice(NEXT[choice])}
      aria-label={text}
      title={text}
      data-testid="theme-button"
      data-theme-choice={choice}
    >
      <ThemeIcon choice={choice} />
    </button>
  );
}

function ThemeIcon({ choice }: { choice: ThemeChoice }) {
  const stroke = {
    fill: "none",
    stroke: "currentColor",
    strokeWidth: 1.5,
    strokeLinecap: "round" as const,
    strokeLinejoin: "round" as const,
  };
  if (choice === "light") {
    return (
      <svg className="icon" viewBox="0 0 16 16" aria-hidden="true">
        <circle cx="8" cy="8" r="3" {...stroke} />
        <path
          d="M8 1.5v1.5M8 13v1.5M1.5 8H3M13 8h1.5M3.4 3.4l1 1M11.6 11.6l1 1M3.4 12.6l1-1M11.6 4.4l1-1"
          {...stroke}
        />
      </svg>
    );
  }
  if (choice === "dark") {
    return (
      <svg className="icon" viewBox="0 0 16 16" aria-hidden="true">
        <path d="M13.5 9.5A5.5 5.5 0 0 1 6.5 2.5a5.5 5.5 0 1 0 7 7Z" {...stroke} />
      </svg>
    );
  }
  return (
    <svg className="icon" viewBox="0 0 16 16" aria-hidden="true">
      <rect x="1.75" y="2.75" width="12.5" height="8.5" rx="1.25" {...stroke} />
      <path d="M8 2.75v8.5" {...stroke} />
      <path
        d="M8 2.75h5a1.25 1.25 0 0 1 1.25 1.25v6a1.25 1.25 0 0 1-1.25 1.25H8Z"
        fill="currentColor"
      />
      <path d="M5.5 13.75h5" {...stroke} />
    </svg>
  );
}
