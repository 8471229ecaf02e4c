// Screenshots for people to look at, in e2e/screenshots/ (gitignored): the screen as it is, and
// the whole length of the page's scrolling area, so what sits below the fold is seen too.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { REPO_ROOT } from "./rollcall-server.js";

export const SCREENSHOTS = join(REPO_ROOT, "e2e/screenshots");

/** Writes `<name>.png` (the viewport) and `<name>-full.png` (the page's whole length). */
export async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), animations: "disabled" });
  const viewport = page.viewportSize();
  if (!viewport) return;
  // The app scrolls inside its main area, not the document: grow the window to hold it all.
  const overflow = await page.evaluate(() => {
    const main = document.querySelector(".app-main");
    return main ? main.scrollHeight - main.clientHeight : 0;
  });
  if (overflow <= 0) return;
  await page.setViewportSize({ width: viewport.width, height: viewport.height + overflow });
  try {
    // Virtualised rows render for the new height on the next frames.
    await page.evaluate(
      () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))),
    );
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-full.png`), animations: "disabled" });
  } finally {
    await page.setViewportSize(viewport);
  }
}
