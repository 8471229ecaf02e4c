// Light or dark: the system's preference unless the viewer picked one (remembered in localStorage).
import { useSyncExternalStore } from "react";
import { isPrintingNow, onPrintingChange, startPrinting } from "./printing";

export type ThemeChoice = "system" | "light" | "dark";

const STORAGE_KEY = "rollcall:theme";
const CHANGE_EVENT = "rollcall:theme";
const DARK_QUERY = "(prefers-color-scheme: dark)";

export const THEME_CHOICES: readonly { value: ThemeChoice; label: string }[] = [
  { value: "system", label: "System theme" },
  { value: "light", label: "Light" },
  { value: "dark", label: "Dark" },
];

export function readThemeChoice(): ThemeChoice {
  try {
    const stored = window.localStorage.getItem(STORAGE_KEY);
    return stored === "light" || stored === "dark" ? stored : "system";
  } catch {
    // Storage blocked (a sandboxed iframe, say): follow the system.
    return "system";
  }
}

function systemIsDark(): boolean {
  return window.matchMedia?.(DARK_QUERY).matches ?? false;
}

/** Writes the resolved theme on <html data-theme>, which the CSS variables follow; paper is light. */
function applyTheme(): void {
  const choice = readThemeChoice();
  const isDark = !isPrintingNow() && (choice === "dark" || (choice === "system" && systemIsDark()));
  document.documentElement.dataset.theme = isDark ? "dark" : "light";
}

export function setThemeChoice(choice: ThemeChoice): void {
  try {
    if (choice === "system") window.localStorage.removeItem(STORAGE_KEY);
    else window.localStorage.setItem(STORAGE_KEY, choice);
  } catch {
    // Not remembered, but still applied for this page.
  }
  applyTheme();
  window.dispatchEvent(new Event(CHANGE_EVENT));
}

/** Applies the theme now and follows the system's changes, other tabs' choices and printing (light). */
export function startTheme(): void {
  startPrinting();
  onPrintingChange(applyTheme);
  applyTheme();
  window.matchMedia?.(DARK_QUERY).addEventListener("change", applyTheme);
  window.addEventListener("storage", (event) => {
    if (event.key === STORAGE_KEY) {
      applyTheme();
      window.dispatchEvent(new Event(CHANGE_EVENT));
    }
  });
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener(CHANGE_EVENT, onChange);
  return () => window.removeEventListener(CHANGE_EVENT, onChange);
}

export function useThemeChoice(): ThemeChoice {
  return useSyncExternalStore(subscribe, readThemeChoice);
}

/** True while the page is dark (canvas charts read it to pick their colours). */
export function useIsDark(): boolean {
  return useSyncExternalStore((onChange) => {
    const observer = new MutationObserver(onChange);
    observer.observe(document.documentElement, {
      attributes: true,
      attributeFilter: ["data-theme", "class"],
    });
    return () => observer.disconnect();
  }, isDarkNow);
}

export function isDarkNow(): boolean {
  const root = document.documentElement;
  return root.dataset.theme === "dark" || root.classList.contains("theme-dark");
}
