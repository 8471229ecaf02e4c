// What a person on a small screen would notice: a page wider than the screen, a control out of reach.
import type { Locator, Page } from "playwright-core";

export const PHONE_VIEWPORT = { width: 390, height: 844 } as const;
export const DESKTOP_VIEWPORT = { width: 1440, height: 900 } as const;

export interface PageWidth {
  scrollWidth: number;
  innerWidth: number;
  /**
   * Elements reaching past the right edge that no scroll box of their own holds (a table that
   * scrolls sideways inside its card is fine; one that pushes the page is not), first few.
   */
  sticking: string[];
}

export function measurePageWidth(page: Page): Promise<PageWidth> {
  return page.evaluate(() => {
    const sticking: string[] = [];
    const isScrollBox = (element: Element) => {
      const overflow = getComputedStyle(element).overflowX;
      return overflow === "auto" || overflow === "scroll" || overflow === "hidden";
    };
    for (const element of document.querySelectorAll("body *")) {
      const box = element.getBoundingClientRect();
      if (box.width === 0 || box.right <= window.innerWidth + 1) continue;
      let held = false;
      for (let up = element.parentElement; up && up !== document.body; up = up.parentElement) {
        // The app's main area scrolls the page's content; it does not count as a box of its own.
        if (isScrollBox(up) && !up.classList.contains("app-main")) {
          held = true;
          break;
        }
      }
      if (!held && sticking.length < 5) {
        sticking.push(`${element.tagName.toLowerCase()}.${element.className} → ${box.right}px`);
      }
    }
    return {
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
      sticking,
    };
  });
}

/** True when the element is entirely on screen (not cut by any edge of the viewport). */
export async function isInViewport(locator: Locator): Promise<boolean> {
  return locator.evaluate((element) => {
    const box = element.getBoundingClientRect();
    return (
      box.width > 0 &&
      box.left >= 0 &&
      box.top >= 0 &&
      box.right <= window.innerWidth &&
      box.bottom <= window.innerHeight
    );
  });
}
