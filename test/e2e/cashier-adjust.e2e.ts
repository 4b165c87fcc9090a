// An adjustment at the window (issue 13), at 1024×768 and 1366×768, by keyboard: the embedded
// sandbox is told (sandboxFaults outside-claim) that a claim from another hospital reaches the
// center before 李秀英's upload, so the center's split differs from the window's. Online, the
// receipt waits for the answer and prints the center's figures (not 暂存); the settled panel
// lists the changed figures and offers the corrected receipt: Ctrl+G prints it, marked 更正;
// F10 then reprints the corrected one (a copy). Today's list (F6) prints it too by Ctrl+G.
// Screenshots: test-artifacts/adjust-<width>-*.png.
import { describe, expect, it } from 'vitest';
import { DEMO_PERSONS } from '../../electron/center/sandbox/demo-persons';
import { screenshot } from './helpers/browser-mode';
import { addItem, confirmStep, insertDemoCard } from './helpers/keyboard';
import { cashierAtTheWindow } from './helpers/cashier-window';
import { VIEWPORTS } from './helpers/operators';

const LI = DEMO_PERSONS.findIndex((p) => p.psn_name === '李秀英');

describe.each(VIEWPORTS)('at $width×$height', (viewport) => {
  const { page, until } = cashierAtTheWindow(viewport, { shots: 'adjust', env: { CASHIER_SANDBOX_FAULTS: `outside-claim=${DEMO_PERSONS[LI]!.certno}:12000` } });
  /** F10: a copy (补打) of the corrected receipt, with the center's fund figure. */
  const reprintsCorrected = async (fund: string) => {
    await page.keyboard.press('F10');
    await until('receipt-preview', /【补打 副本 COPY】/);
    const copy = (await page.getByTestId('receipt-preview').textContent()) ?? '';
    expect(copy).toContain('【更正 按医保中心结算金额】');
    expect(copy).toMatch(new RegExp(`统筹基金支付\\s+${fund.replace('.', '\\.')}`));
  };

  it('prints the center figures after the answer, lists what changed, and Ctrl+G prints the corrected receipt', async () => {
    await insertDemoCard(page, LI, /李秀英/);
    await addItem(page, 'amxljn', '25.00', '2');
    await until('split-total', /50\.00/);
    await confirmStep(page);
    await page.getByTestId('settled-panel').waitFor();
    await until('settled-adjusted', /统筹/);
    const adjusted = (await page.getByTestId('settled-adjusted').textContent()) ?? '';
    // "统筹基金 0.00 → X": the center's fund figure, printed on the first receipt already.
    const fund = /统筹[^\d]*0\.00 → ([\d,]+\.\d\d)/.exec(adjusted)?.[1];
    expect(fund, adjusted).toBeDefined();
    expect(fund).not.toBe('0.00');
    await until('receipt-preview', new RegExp(`统筹基金支付\\s+${fund!.replace('.', '\\.')}`));
    const first = (await page.getByTestId('receipt-preview').textContent()) ?? '';
    expect(first).not.toContain('暂存');
    expect(first).not.toContain('更正');
    // The account balance after is what the center took from the account, on the panel and on the patient.
    const account = /个人账户支付[^\d]*[\d,]+\.\d\d → ([\d,]+\.\d\d)/.exec(adjusted)?.[1];
    expect(account, adjusted).toBeDefined();
    const [before, after] = [...((await page.getByTestId('settled-balance').textContent()) ?? '').matchAll(/[\d,]+\.\d\d/g)].map((m) => Number(m[0].replace(/,/g, '')));
    expect(Math.round((before! - after!) * 100)).toBe(Math.round(Number(account!.replace(/,/g, '')) * 100));
    expect((await page.getByTestId('patient-balance').textContent())?.replace(/,/g, '')).toContain(after!.toFixed(2));
    await page.getByTestId('corrected-receipt').waitFor();
    const box = await page.getByTestId('corrected-receipt').boundingBox();
    expect(box && box.y + box.height).toBeLessThanOrEqual(viewport.height);
    await screenshot(page, `adjust-${viewport.width}-01-settled-adjusted`);

    await page.keyboard.press('Control+g');
    await until('corrected-receipt-printed', /更正小票已打印/);
    await until('receipt-preview', /【更正 按医保中心结算金额】/);
    expect((await page.getByTestId('receipt-preview').textContent()) ?? '').toMatch(new RegExp(`统筹基金支付\\s+${fund!.replace('.', '\\.')}`));
    await screenshot(page, `adjust-${viewport.width}-02-corrected-receipt`);

    // F10 reprints the corrected receipt (the first one is void), marked as a copy.
    await reprintsCorrected(fund!);
  });

  it("today's list: Ctrl+G prints the selected adjusted settlement's corrected receipt, shown in the key bar in both languages", async () => {
    const fund = /统筹[^\d]*0\.00 → ([\d,]+\.\d\d)/.exec((await page.getByTestId('settled-adjusted').textContent()) ?? '')?.[1];
    expect(fund).toBeDefined();
    await page.keyboard.press('Escape');
    await page.getByTestId('card-panel').waitFor();
    await page.keyboard.press('F6');
    await until('today-state-0', /中心调整/);
    expect(await page.getByTestId('today-row-0').getAttribute('class')).toContain('selected');
    await until('shortcut-bar', /Ctrl\+G 更正小票/);
    await page.getByTestId('today-corrected-print').waitFor();
    // The latest receipt is still the copy printed on the settled panel.
    await until('receipt-preview', /【补打 副本 COPY】/);
    await page.keyboard.press('Control+g');
    await until('today-note', /更正小票已打印/);
    await page.waitForFunction(() => {
      const t = document.querySelector('[data-testid="receipt-preview"]')?.textContent ?? '';
      return t.includes('【更正 按医保中心结算金额】') && !t.includes('补打');
    });
    await screenshot(page, `adjust-${viewport.width}-03-today-corrected`);
    await reprintsCorrected(fund!);

    await page.keyboard.press('Alt+l');
    await until('shortcut-bar', /Ctrl\+G Corrected receipt/);
    await page.keyboard.press('Control+g');
    await until('today-note', /Corrected receipt printed/);
    await screenshot(page, `adjust-${viewport.width}-04-today-corrected-english`);
    await page.keyboard.press('Alt+l');
    await until('shortcut-bar', /Ctrl\+G 更正小票/);
  });
});
