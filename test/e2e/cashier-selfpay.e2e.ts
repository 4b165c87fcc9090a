// Self-pay (自费) and the confirm step (issue 13), by keyboard only, in headless Chromium against
// real browser mode at 1024×768 and 1366×768: F9 opens the confirm step, Esc goes back with
// nothing committed, cash below the cash due is refused in words; a person the center does not
// know and a suspended person are charged as self-pay with Shift+F9 (whole bill in cash, the
// settled panel and the receipt titled 自费 with no fund share, the cash received and change);
// the X report counts it; the refund gives the cash back, also of some lines only (partial
// refund: the kept lines charged again as self-pay). Screenshots:
// test-artifacts/selfpay-<width>-*.png.
import { describe, expect, it } from 'vitest';
import { addItem, confirmStep, insertDemoCard, keepFirstRefundLine, settledThenToday, supervisorApproves } from './helpers/keyboard';
import { cashierAtTheWindow } from './helpers/cashier-window';
import { SUPERVISOR, VIEWPORTS } from './helpers/operators';
import { inView } from './helpers/fit';

const SUSPENDED = 4; // 陈静: benefits suspended
/** A resident ID number with a valid check character that the sandbox center does not know. */
const UNKNOWN_ID = '110101199001011237';

describe.each(VIEWPORTS)('at $width×$height', (viewport) => {
  const { page, shot, text, until } = cashierAtTheWindow(viewport, { shots: 'selfpay' });

  it('F9 opens the confirm step: Esc goes back with nothing committed; short cash is refused in words', async () => {
    await insertDemoCard(page, 0, /张伟/);
    await page.keyboard.press('F8'); // no personal account: the patient pays cash
    await until('use-account', /不使用/);
    await addItem(page, 'amxljn', '25.00', '2');
    // Without the account, 张伟 (below the deductible) pays the whole 50.00 in cash.
    await until('split-cash', /50\.00/);
    const cash = (await text('split-cash')).replace(/[^\d.,]/g, '');
    await page.keyboard.press('F9');
    await page.getByTestId('confirm-received').waitFor();
    expect(await text('confirm-due')).toContain(cash);
    expect(await page.getByTestId('confirm-fund').count()).toBe(1);
    // Esc: back to the bill, nothing settled.
    await page.keyboard.press('Escape');
    expect(await page.getByTestId('confirm-panel').count()).toBe(0);
    expect(await page.getByTestId('settled-panel').count()).toBe(0);
    expect(await page.getByTestId('bill-line-0').count()).toBe(1);
    // Too little cash: refused in words, the field keeps what was typed, nothing committed.
    await confirmStep(page, '1');
    await until('confirm-refusal', /实收 1\.00 元少于应收现金/);
    expect(await page.getByTestId('confirm-received').inputValue()).toBe('1');
    expect(await page.getByTestId('settled-panel').count()).toBe(0);
    expect(await inView(page, 'confirm-due')).toBe(true);
    expect(await inView(page, 'confirm-change')).toBe(true);
    await shot('01-short-refused');
    // Typed right: the change is shown live, Enter commits.
    await page.getByTestId('confirm-received').fill('');
    await page.keyboard.type('200');
    const dueFen = Math.round(Number(cash.replace(/[^\d.]/g, '')) * 100);
    const change = ((20000 - dueFen) / 100).toFixed(2);
    await until('confirm-change', new RegExp(change.replace('.', '\\.')));
    await page.keyboard.press('Enter');
    await page.getByTestId('settled-panel').waitFor();
    expect(await text('cash-received')).toContain('200.00');
    expect(await text('cash-change')).toContain(change);
    await page.keyboard.press('Escape');
  });

  it('a person the center does not know: Shift+F9 charges the whole bill as self-pay, own receipt, no fund share', async () => {
    await page.keyboard.press('F3');
    await page.getByTestId('manual-cert-no').waitFor();
    await page.keyboard.type(UNKNOWN_ID);
    await page.keyboard.press('Enter');
    await until('lookup-error', /自费/);
    await addItem(page, 'amxljn', '25.00', '1');
    await addItem(page, 'dyxajf', null, '2'); // 对乙酰氨基酚片 at its cap 3.50
    // Not insured: the insured F9 has no split to confirm; Shift+F9 is self-pay.
    await page.keyboard.press('F9');
    await page.waitForTimeout(300);
    expect(await page.getByTestId('confirm-panel').count()).toBe(0);
    await page.keyboard.press('Shift+F9');
    await page.getByTestId('confirm-received').waitFor();
    expect(await page.getByTestId('confirm-panel').getAttribute('data-kind')).toBe('selfPay');
    await until('confirm-title', /自费/);
    expect(await text('confirm-due')).toContain('32.00');
    expect(await page.getByTestId('confirm-fund').count()).toBe(0);
    expect(await page.getByTestId('confirm-account').count()).toBe(0);
    await page.keyboard.type('50');
    await until('confirm-change', /18\.00/);
    // The name the center could not give: typed for the receipt (Tab to the field, back to the amount).
    await page.keyboard.press('Tab');
    await page.keyboard.type('李四');
    await shot('02-selfpay-confirm');
    await page.keyboard.press('Enter');
    await page.getByTestId('settled-panel').waitFor();
    expect(await page.getByTestId('settled-panel').getAttribute('data-self-pay')).toBe('1');
    await until('settled-state', /自费/);
    expect(await text('settled-panel')).toContain('自费收费完成');
    expect(await text('settled-panel')).not.toMatch(/统筹基金支付|个人账户支付|大病保险/);
    expect(await text('cash-received')).toContain('50.00');
    expect(await text('cash-change')).toContain('18.00');
    await until('receipt-preview', /自费收费单/);
    const receipt = await text('receipt-preview');
    expect(receipt).toMatch(/现金支付（自费） +32\.00/);
    expect(receipt).toMatch(/实收现金 +50\.00/);
    expect(receipt).toMatch(/找零 +18\.00/);
    expect(receipt).toContain('李*');
    expect(receipt).not.toMatch(/统筹|大病|个人账户|医保结算单/);
    expect(await inView(page, 'cash-change')).toBe(true);
    await shot('03-selfpay-settled');
    await page.keyboard.press('Enter');
    await page.getByTestId('split-panel').waitFor();
  });

  it('a suspended person is charged as self-pay too; the X report counts it; its refund gives the cash back', async () => {
    await insertDemoCard(page, SUSPENDED, /陈静/);
    await until('patient-suspended', /自费/);
    await addItem(page, 'amxljn', '25.00', '1');
    await confirmStep(page, '', 'Shift+F9');
    await page.getByTestId('settled-panel').waitFor();
    await until('settled-state', /自费/);
    expect(await text('cash-change')).toContain('0.00');
    await page.keyboard.press('Escape');

    // The X report (F7, 2) has a self-pay row with its cash.
    await page.keyboard.press('F7');
    await page.keyboard.press('Alt+2');
    await until('report-selfpay', /2 笔，现金 57\.00/);
    await shot('04-xreport');
    await page.keyboard.press('Escape');
    await page.getByTestId('card-panel').waitFor();

    // Refund the self-pay of 陈静 from today's list: cash goes back, nothing to the account or fund.
    await page.keyboard.press('F6');
    await until('today-row-0', /陈静/);
    await until('today-state-0', /自费/); // one word for the state: never 已确认 for a settlement the center never saw
    await page.keyboard.press('r');
    await until('refund-returns', /退还患者现金[\s\S]*25\.00/);
    await page.keyboard.type(SUPERVISOR.id);
    await page.getByTestId('sup-pin').fill(SUPERVISOR.pin);
    await page.getByTestId('sup-reason').fill('患者不取药');
    await page.keyboard.press('Enter');
    await until('today-note', /退费完成/);
    await until('today-state-1', /已退费/);
    await shot('05-selfpay-refunded');
    await page.keyboard.press('Escape');
  });

  it('a partial refund of a self-pay settlement: the returned line\'s cash goes back, the kept line is charged again as self-pay', async () => {
    await page.getByTestId('card-panel').waitFor();
    await insertDemoCard(page, SUSPENDED, /陈静/);
    await addItem(page, 'amxljn', '25.00', '1');
    await addItem(page, 'dyxajf', null, '2'); // 对乙酰氨基酚片 at its cap 3.50
    await confirmStep(page, '', 'Shift+F9');
    await settledThenToday(page, /自费/, /陈静[\s\S]*32\.00/);
    await page.keyboard.press('r');
    await until('refund-lines', /对乙酰氨基酚/);
    // The patient keeps line 1 and returns line 2 (7.00).
    await keepFirstRefundLine(page);
    await until('refund-partial', /部分退费：退 1 项，其余 1 项重新结算/);
    await until('refund-partial-cash', /7\.00/);
    expect(await text('refund-partial')).toMatch(/0\.00[\s\S]*0\.00/); // nothing to the account or the fund
    await shot('06-partial-lines');
    await supervisorApproves(page, SUPERVISOR, '患者退回对乙酰氨基酚');
    await until('today-note', /部分退费完成/);
    expect(await text('today-note')).toContain('7.00');
    // Newest first: the refund and the kept line's new settlement (one action), then the original
    // (state 2 was already 已退费 before: the full refund of the earlier test sat there).
    await until('today-list', /-32\.00/);
    await until('today-state-2', /已退费/);
    expect(await text('today-row-2')).toMatch(/陈静[\s\S]*32\.00/);
    const rows = [await text('today-row-0'), await text('today-row-1')];
    const refundRow = rows.findIndex((r) => r.includes('-32.00'));
    expect(refundRow).toBeGreaterThanOrEqual(0);
    const newRow = 1 - refundRow;
    expect(rows[newRow]).toContain('25.00');
    await until(`today-state-${newRow}`, /自费/);
    await page.getByTestId(`today-row-${refundRow}`).click();
    await until('receipt-preview', /自费退费单/);
    await page.getByTestId(`today-row-${newRow}`).click();
    await until('receipt-preview', /自费收费单[\s\S]*阿莫西林[\s\S]*25\.00/);
    expect(await text('receipt-preview')).not.toMatch(/对乙酰氨基酚|统筹|个人账户/);
    await shot('07-partial-done');
    // The shift's cash counts it: 李四 32.00 and 陈静's kept 25.00 (her first settlement refunded).
    await page.keyboard.press('Escape');
    await page.keyboard.press('F7');
    await page.keyboard.press('Alt+2');
    await until('report-selfpay', /净 2 笔，现金 57\.00/);
    await page.keyboard.press('Escape');
  });
});
