// What a cashier does at the hospital window (issue 19) by keyboard, shared by the
// hospital-*.e2e.ts stories: Alt+Z to the window, a card read into an admission, deposits, fee
// lines found in the catalogue and recorded as a batch, discharge, and the settlement's dialog.
import type { Page } from 'playwright-core';
import { insertDemoCard } from './keyboard';
import { untilText } from './wait';

/** Alt+Z from the main screen: the hospital window's list of open stays. */
export async function toHospital(page: Page): Promise<void> {
  await page.keyboard.press('Alt+KeyZ');
  await page.getByTestId('stay-list').waitFor();
}

export interface Admission {
  card: number;
  name: RegExp;
  ward: string;
  bed: string;
  doctorCode: string;
  doctorName: string;
  diagnoses: string;
  /** National department code (default A03 内科). */
  department?: string;
}

/** F2 and the card's number on the list: the admission form with the patient; the fields, Enter; the stay's page. */
export async function admit(page: Page, a: Admission): Promise<void> {
  await insertDemoCard(page, a.card, a.name);
  await page.getByTestId('admit-form').waitFor();
  if (a.department) await page.getByTestId('admit-department').selectOption(a.department);
  await page.getByTestId('admit-ward').fill(a.ward);
  await page.getByTestId('admit-bed').fill(a.bed);
  await page.getByTestId('admit-doctor-code').fill(a.doctorCode);
  await page.getByTestId('admit-doctor-name').fill(a.doctorName);
  await page.getByTestId('admit-diagnoses').fill(a.diagnoses);
  await page.getByTestId('admit-diagnoses').press('Enter');
  await page.getByTestId('stay-header').waitFor();
  await untilText(page, null, 'stay-name', a.name);
}

/** Alt+D: the amount, the method (and its reference), Enter; waits for the new balance. */
export async function takeDeposit(page: Page, yuan: string, method: 'cash' | 'card' | 'mobile', balanceAfter: RegExp, reference?: string): Promise<void> {
  await page.keyboard.press('Alt+KeyD');
  await page.getByTestId('deposit-dialog').waitFor();
  await page.keyboard.type(yuan);
  if (method !== 'cash') {
    await page.getByTestId('deposit-method').selectOption(method);
    await page.getByTestId('deposit-reference').fill(reference ?? '');
  }
  await page.getByTestId('deposit-amount').press('Enter');
  await page.getByTestId('deposit-dialog').waitFor({ state: 'detached' });
  await untilText(page, null, 'deposit-balance', balanceAfter);
}

/** F4, the item's code, Enter on the hit; the price when the catalogue has none; the quantity, Enter. */
export async function feeLine(page: Page, code: string, price: string | null, quantity: string): Promise<void> {
  await page.keyboard.press('F4');
  await page.keyboard.type(code);
  await page.getByTestId('fee-hits').locator('div.active').waitFor();
  await page.keyboard.press('Enter');
  if (price) {
    await page.waitForFunction(() => (document.activeElement as HTMLElement | null)?.dataset.testid?.startsWith('fee-price-') ?? false);
    await page.keyboard.type(price);
    await page.keyboard.press('Enter');
  }
  await page.waitForFunction(() => (document.activeElement as HTMLElement | null)?.dataset.testid?.startsWith('fee-qty-') ?? false);
  await page.keyboard.type(quantity);
  await page.keyboard.press('Enter');
}

/** Alt+B: the typed lines recorded as one batch; waits for the running total. */
export async function recordBatch(page: Page, runningTotal: RegExp): Promise<void> {
  await page.keyboard.press('Alt+KeyB');
  await untilText(page, null, 'running-total', runningTotal);
  await page.getByTestId('fee-draft').waitFor({ state: 'detached' });
}

/** Alt+C, the admission's diagnoses kept, Enter: discharged. */
export async function discharge(page: Page): Promise<void> {
  await page.keyboard.press('Alt+KeyC');
  await page.getByTestId('discharge-dialog').waitFor();
  await page.getByTestId('discharge-diagnoses').press('Enter');
  await page.getByTestId('discharge-dialog').waitFor({ state: 'detached' });
  await page.locator('[data-testid="stay-state"][data-state="discharged"]').waitFor();
}
