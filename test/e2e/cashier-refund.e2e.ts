// The refund dialog (issue 13), by keyboard, at 1024×768 and 1366×768: it says what goes back to
// the patient in cash and what returns to the account and the fund; a wrong PIN is said inside
// the dialog, which keeps what was typed; after the refund the selection stays on the refunded
// settlement. Screenshots: test-artifacts/refund-<width>-*.png.
import { describe, expect, it } from 'vitest';
import { addItem, confirmStep, insertDemoCard, settledThenToday } from './helpers/keyboard';
import { cashierAtTheWindow } from './helpers/cashier-window';
import { SUPERVISOR, VIEWPORTS } from './helpers/operators';

describe.each(VIEWPORTS)('at $width×$height', (viewport) => {
  const { page, shot, text, until } = cashierAtTheWindow(viewport, { shots: 'refund' });

  it('shows what goes back where; a wrong PIN keeps the dialog and what was typed; the refunded row stays selected', async () => {
    await insertDemoCard(page, 0, /张伟/);
    await addItem(page, 'amxljn', '25.00', '2');
    await until('split-total', /50\.00/);
    const cash = (await text('split-cash')).trim();
    const account = (await text('split-account')).replace(/[^\d.,]/g, '');
    await confirmStep(page);
    await settledThenToday(page, /已确认/, /张伟/);
    await page.keyboard.press('r');
    await until('refund-returns', /退还患者现金/);
    expect(await text('refund-returns')).toContain(account);
    expect(await text('refund-returns')).toContain(cash.replace(/[^\d.,]/g, ''));
    await page.keyboard.type(SUPERVISOR.id);
    await page.getByTestId('sup-pin').fill('000000');
    await page.getByTestId('sup-reason').fill('患者要求退药');
    await page.keyboard.press('Enter');
    await page.getByTestId('refund-error').waitFor();
    // The dialog is still there, with the supervisor id and the reason as typed.
    expect(await page.getByTestId('sup-id').inputValue()).toBe(SUPERVISOR.id);
    expect(await page.getByTestId('sup-reason').inputValue()).toBe('患者要求退药');
    await shot('01-wrong-pin');
    await page.getByTestId('sup-pin').fill(SUPERVISOR.pin);
    await page.keyboard.press('Enter');
    await until('today-note', /退费完成/);
    expect(await page.getByTestId('supervisor-pin').count()).toBe(0);
    // The refund comes in above it: the refunded settlement (now row 1) is still the selected one.
    await until('today-state-1', /已退费/);
    expect(await page.getByTestId('today-row-1').getAttribute('class')).toContain('selected');
    await shot('02-refunded');
  });
});
