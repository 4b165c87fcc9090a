// What a cashier does by keyboard, shared by the end-to-end stories: log in, put a demo card on
// the emulated reader, add a bill line from the catalog search.
import type { Page } from 'playwright-core';
import { untilText } from './wait';

/** Operator id and PIN, Enter. */
export async function login(page: Page, id: string, pin: string): Promise<void> {
  await page.getByTestId('login-id').fill(id);
  await page.getByTestId('login-pin').fill(pin);
  await page.keyboard.press('Enter');
}

/**
 * F2 focuses the demo card tray, the card's number picks card `index` (its digits; "1" alone
 * waits for a possible second digit, so Enter takes card 1 at once); waits for the patient's name.
 */
export async function insertDemoCard(page: Page, index: number, expectName: RegExp): Promise<void> {
  await page.keyboard.press('F2');
  for (const digit of String(index + 1)) await page.keyboard.press(digit);
  if (index === 0) await page.keyboard.press('Enter');
  await untilText(page, null, 'patient-name', expectName);
}

/**
 * F4, type the query, Enter on the first hit; then price (if asked) and quantity by keyboard.
 * `beforePick` runs while the hits are on screen (to read or check them).
 */
export async function addItem(page: Page, query: string, price: string | null, quantity: string, o: { beforePick?: () => Promise<void> } = {}): Promise<void> {
  await page.keyboard.press('F4');
  await page.keyboard.type(query);
  await page.getByTestId('catalog-hits').locator('div.active').waitFor();
  await o.beforePick?.();
  await page.keyboard.press('Enter');
  if (price) {
    await page.keyboard.type(price);
    await page.keyboard.press('Enter');
  }
  await page.keyboard.type(quantity);
  await page.keyboard.press('Enter');
}

/** The login form by keys only: operator id, Tab, PIN, Enter (the keyboard-only and English walks). */
export async function loginByKeys(page: Page, id: string, pin: string): Promise<void> {
  await page.keyboard.type(id);
  await page.keyboard.press('Tab');
  await page.keyboard.type(pin);
  await page.keyboard.press('Enter');
}

/** On the shift form, by keys only: the focused first count field gets `hundreds` 100-yuan notes, Enter, the main screen. */
export async function openShiftByKeys(page: Page, hundreds: number): Promise<void> {
  await page.waitForFunction(() => document.activeElement?.tagName === 'INPUT');
  await page.keyboard.type(String(hundreds));
  await page.keyboard.press('Enter');
  await page.getByTestId('card-panel').waitFor();
}

/** From the login form: a supervisor logs in (`logIn`; no shift of their own) and F7 opens the supervisor screen. */
async function toSupervisorScreen(page: Page, logIn: () => Promise<void>): Promise<void> {
  await page.getByTestId('login-form').waitFor();
  await logIn();
  await page.getByTestId('shift-form').waitFor();
  await page.keyboard.press('F7');
  await page.getByTestId('supervisor-screen').waitFor();
}

/** The supervisor screen, logged in by keys only (the keyboard-only and English walks). */
export async function supervisorScreenByKeys(page: Page, id: string, pin: string): Promise<void> {
  await toSupervisorScreen(page, () => loginByKeys(page, id, pin));
}

/** The supervisor screen, the login form filled in. */
export async function supervisorScreen(page: Page, id: string, pin: string): Promise<void> {
  await toSupervisorScreen(page, () => login(page, id, pin));
}

/** After login: count `hundreds` 100-yuan notes as the opening float, Enter, wait for the main screen. */
export async function openShift(page: Page, hundreds: number): Promise<void> {
  const notes = page.getByTestId('shift-count-10000');
  await notes.waitFor();
  await notes.fill(String(hundreds));
  await page.keyboard.press('Enter');
  await page.getByTestId('card-panel').waitFor();
}

/**
 * F9 opens the confirm step (issue 13): the cash received is typed (`received` in yuan; empty:
 * Enter takes the exact amount) and Enter commits. F9 is pressed again while the split is still
 * being computed for the bill as it is (the window confirms only a current split). `key` is
 * 'Shift+F9' for self-pay. Does not wait for the outcome (a supervisor may be asked first).
 */
export async function confirmStep(page: Page, received = '', key: 'F9' | 'Shift+F9' = 'F9'): Promise<void> {
  const panel = page.getByTestId('confirm-received');
  for (let i = 0; i < 20 && (await panel.count()) === 0; i++) {
    await page.keyboard.press(key);
    await panel.waitFor({ timeout: 500 }).catch(() => undefined);
  }
  await panel.waitFor({ timeout: 2_000 });
  if (received) await page.keyboard.type(received);
  await page.keyboard.press('Enter');
}

/** The confirm step with the exact amount (or `received`), then the settled panel. */
export async function settleByKeyboard(page: Page, received = ''): Promise<void> {
  await confirmStep(page, received);
  await page.getByTestId('settled-panel').waitFor();
}

/**
 * After the confirm step: the settled panel in `state`, Esc to the next patient, F6 today's list
 * with `newest` as its first row (the settlement just made).
 */
export async function settledThenToday(page: Page, state: RegExp, newest: RegExp): Promise<void> {
  await page.getByTestId('settled-panel').waitFor();
  await untilText(page, null, 'settled-state', state);
  await page.keyboard.press('Escape');
  await page.keyboard.press('F6');
  await untilText(page, null, 'today-row-0', newest);
}

/** In the refund dialog with every line ticked: Shift+Tab twice reaches line 1, Space unticks it (the patient keeps it). */
export async function keepFirstRefundLine(page: Page): Promise<void> {
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Space');
}

/** The supervisor dialog filled (id, PIN, reason) and Enter in the reason field. */
export async function supervisorApproves(page: Page, supervisor: { id: string; pin: string }, reason: string): Promise<void> {
  await page.getByTestId('sup-id').fill(supervisor.id);
  await page.getByTestId('sup-pin').fill(supervisor.pin);
  await page.getByTestId('sup-reason').fill(reason);
  await page.getByTestId('sup-reason').press('Enter');
}
