// The dashboard as a viewer uses it: signed in through /embed, reading the Connected users table.
import type { BrowserContext, Locator, Page } from "playwright-core";
import type { UserStatus } from "./presence-api.js";

export const DASHBOARD_VIEWPORT = { width: 1280, height: 800 } as const;

/** Signs the context in with `/embed?token=…` and returns the page it lands on. */
export async function openDashboard(
  context: BrowserContext,
  rollcallOrigin: string,
  viewerToken: string,
): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${rollcallOrigin}/embed?token=${encodeURIComponent(viewerToken)}`);
  return page;
}

export function userRow(page: Page, userId: string): Locator {
  return page.locator(`[data-testid="user-row"][data-user-id="${userId}"]`);
}

export interface RowState {
  status: string | null;
  text: string;
}

/** The user's row right now; throws (for `eventually`) while there is none. */
export async function rowState(page: Page, userId: string): Promise<RowState> {
  const row = userRow(page, userId);
  const count = await row.count();
  if (count !== 1) throw new Error(`expected 1 user-row for "${userId}", found ${count}`);
  return {
    status: await row.getAttribute("data-status", { timeout: 1000 }),
    text: ((await row.textContent({ timeout: 1000 })) ?? "").replace(/\s+/g, " ").trim(),
  };
}

export type { UserStatus };

/** Picks the "Live" setting of the refresh-mode control, whether a select or a button group. */
export async function chooseLiveMode(page: Page): Promise<void> {
  const control = page.getByTestId("refresh-mode");
  await control.waitFor({ state: "visible", timeout: 10_000 });
  const tag = await control.evaluate((element) => element.tagName);
  if (tag === "SELECT") {
    const options = await control.locator("option").evaluateAll((elements) =>
      elements.map((element) => ({
        value: (element as HTMLOptionElement).value,
        label: element.textContent ?? "",
      })),
    );
    const live = options.find((option) => /live/i.test(option.label) || /live/i.test(option.value));
    if (!live) throw new Error(`refresh-mode has no Live option: ${JSON.stringify(options)}`);
    await control.selectOption(live.value);
    return;
  }
  await control.getByText(/live/i).first().click();
}

/** The card's figure as a number (the first number in its text). */
export async function cardNumber(page: Page, testId: string): Promise<number> {
  const text = (await page.getByTestId(testId).textContent({ timeout: 1000 })) ?? "";
  const match = /\d[\d,\u202f\u00a0]*/.exec(text);
  if (!match) throw new Error(`no number in ${testId}: "${text}"`);
  return Number(match[0].replace(/[^\d]/g, ""));
}
