// Chromium from the system (never a downloaded one), and what the host page shows of the tracker.
import { existsSync } from "node:fs";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

export const CHROMIUM_PATH = "/usr/bin/chromium";

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Why the browser tests cannot run here, or null when they can. Under CI=true a missing
 * Chromium is not a reason to skip: the suite runs and fails at launch.
 */
export const browserSkipReason: string | null =
  existsSync(CHROMIUM_PATH) || process.env.CI === "true"
    ? null
    : `Chromium not found at ${CHROMIUM_PATH} (install it, or set CI=true to make this a failure)`;

if (browserSkipReason) console.warn(`e2e skipped: ${browserSkipReason}`);

/** A suite's name, carrying the reason when it is skipped (so the report says why). */
export function suiteName(name: string): string {
  return browserSkipReason ? `${name} (skipped: ${browserSkipReason})` : name;
}

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    return Promise.reject(
      new Error(`Chromium is required for the e2e suite: ${CHROMIUM_PATH} is missing`),
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/** Uncaught errors and console errors of a page, collected as they happen. */
export function collectPageErrors(page: Page): { uncaught: string[]; console: string[] } {
  const errors = { uncaught: [] as string[], console: [] as string[] };
  page.on("pageerror", (error) => errors.uncaught.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") errors.console.push(message.text());
  });
  return errors;
}

/** Resolves when the next WebSocket this page opens to Rollcall closes, with nothing about why. */
export function nextTrackerSocketClose(page: Page): Promise<void> {
  return new Promise((resolve) => {
    page.on("websocket", (socket) => {
      if (socket.url().includes("/api/v1/track/ws")) socket.on("close", () => resolve());
    });
  });
}

/** Resolves when the page's tracker socket receives the server's `welcome`. */
export function nextTrackerWelcome(page: Page): Promise<void> {
  return new Promise((resolve) => {
    page.on("websocket", (socket) => {
      if (!socket.url().includes("/api/v1/track/ws")) return;
      socket.on("framereceived", (frame) => {
        if (typeof frame.payload === "string" && frame.payload.includes('"welcome"')) resolve();
      });
    });
  });
}

/** Closes contexts opened by a test, whatever it left behind. */
export class ContextPool {
  private readonly open = new Set<BrowserContext>();

  constructor(private readonly browser: () => Browser) {}

  async create(options: Parameters<Browser["newContext"]>[0] = {}): Promise<BrowserContext> {
    const context = await this.browser().newContext(options);
    this.open.add(context);
    context.on("close", () => this.open.delete(context));
    return context;
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.open].map((context) => context.close().catch(() => undefined)));
    this.open.clear();
  }
}
