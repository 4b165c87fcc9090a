// A rejection never looks like success (issue 13), at 1024×768 and 1366×768, by keyboard: the
// embedded sandbox is told (sandboxFaults) to refuse one drug; the cashier settles it online and
// the settled panel itself turns into the center's refusal — no "结算完成" title, the center's
// reason and what to do next — and the receipt, held for the answer, is a void slip (作废单) with
// no fund, account or cash figure. Screenshots: test-artifacts/reject-<width>-*.png.
import { describe, expect, it } from 'vitest';
import { screenshot } from './helpers/browser-mode';
import { addItem, confirmStep, insertDemoCard } from './helpers/keyboard';
import { cashierAtTheWindow } from './helpers/cashier-window';
import { VIEWPORTS } from './helpers/operators';

const ATORVASTATIN = 'XC10AAA050A001010104321';
const REASON = '该药品超出医保限定支付范围（演示）';

describe.each(VIEWPORTS)('at $width×$height', (viewport) => {
  const { page, until } = cashierAtTheWindow(viewport, { shots: 'reject', env: { CASHIER_SANDBOX_FAULTS: `reject-item=${ATORVASTATIN}:${REASON}` } });

  it('the settled panel says the center refused, why, and what to do next; it never says 结算完成', async () => {
    await insertDemoCard(page, 0, /张伟/);
    const balance = (await page.getByTestId('patient-balance').textContent()) ?? '';
    expect(balance).toMatch(/\d\.\d\d/);
    await addItem(page, 'atfttgp', '45.30', '1');
    await until('split-total', /45\.30/);
    await confirmStep(page);
    await page.getByTestId('settled-panel').waitFor();
    await until('settled-rejected', /中心拒绝[\s\S]*自费/);
    await until('settled-reject-reason', new RegExp(REASON.slice(0, 8)));
    expect(await page.getByTestId('settled-panel').textContent()).not.toContain('结算完成');
    // What printed is a void slip, and the panel says so: never a green "✓ 小票已打印".
    await until('print-state', /作废单已打印/);
    expect(await page.getByTestId('settled-panel').textContent()).not.toContain('小票已打印');
    // No fund or account figure on a refused settlement: they paid nothing.
    for (const row of ['统筹基金支付', '大病保险支付', '个人账户支付', '个人账户余额']) expect(await page.getByTestId('settled-panel').textContent()).not.toContain(row);
    // Nor did the account pay: the patient's balance is as it was.
    expect(await page.getByTestId('patient-balance').textContent()).toBe(balance);
    const box = await page.getByTestId('settled-rejected').boundingBox();
    expect(box && box.y + box.height).toBeLessThanOrEqual(viewport.height);
    // The receipt waited for the answer: a void slip stating the refusal, never one that claims
    // the fund (or the account, or the cash) paid.
    await until('receipt-preview', /医保结算作废单[\s\S]*中心拒绝 医保未支付/);
    const receipt = (await page.getByTestId('receipt-preview').textContent()) ?? '';
    expect(receipt).toContain(REASON.slice(0, 8));
    for (const claim of ['统筹基金支付', '个人账户支付', '现金支付', '大病保险支付']) expect(receipt).not.toContain(claim);
    await screenshot(page, `reject-${viewport.width}-01-settled-panel`);
  });
});
