// Whether the page is being printed (beforeprint to afterprint, or print media), and since when.
import { useSyncExternalStore } from "react";

interface PrintState {
  isPrinting: boolean;
  /** When the current print began (ms since the epoch); null on screen. */
  startedAt: number | null;
}

const SCREEN: PrintState = { isPrinting: false, startedAt: null };
let state: PrintState = SCREEN;
const listeners = new Set<() => void>();

function follow(isPrinting: boolean): void {
  if (isPrinting === state.isPrinting) return;
  state = isPrinting ? { isPrinting, startedAt: Date.now() } : SCREEN;
  // At once, inside the print event: the page is laid out for paper right after it.
  for (const listener of listeners) listener();
}

/**
 * Follows printing: `beforeprint` and `afterprint` (the browser's print and Chromium's PDF), and
 * the print media query, which is all an emulated print medium changes.
 */
export function startPrinting(): void {
  window.addEventListener("beforeprint", () => follow(true));
  window.addEventListener("afterprint", () => follow(false));
  const print = window.matchMedia?.("print");
  print?.addEventListener("change", (event) => follow(event.matches));
  if (print?.matches) follow(true);
}

/**
 * Opens the print dialog. `window.print()` returns once the dialog is closed; printing is over
 * then even where no `afterprint` follows (headless Chromium sends none).
 */
export function printPage(): void {
  window.print();
  follow(false);
}

export function onPrintingChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function isPrintingNow(): boolean {
  return state.isPrinting;
}

/** The print state, re-rendering on change (charts redraw for paper, the report names its time). */
export function usePrinting(): PrintState {
  return useSyncExternalStore(onPrintingChange, () => state);
}
