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

/** F4, type the query, Enter on the first hit; then price (if asked) and quantity by keyboard. */
export async function addItem(page: Page, query: string, price: string | null, quantity: string): Promise<void> {
  await page.keyboard.press('F4');
  await page.keyboard.type(query);
  await page.getByTestId('catalog-hits').locator('div.active').waitFor();
  await page.keyboard.press('Enter');
  if (price) {
    await page.keyboard.type(price);
    await page.keyboard.press('Enter');
  }
  await page.keyboard.type(quantity);
  await page.keyboard.press('Enter');
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
