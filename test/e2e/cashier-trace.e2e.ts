// Drug traceability codes at the window (issue 17), by keyboard only, in headless Chromium against
// real browser mode at 1024×768 with codes required: a keyboard-wedge scanner's burst (20 digits
// and Enter, a few ms apart) lands on the drug line ("1 / 2 已扫码"), a person typing a quantity
// is still a quantity; the same package twice is refused; F9 with a code missing is blocked and
// the count marked; settled with both codes; the next patient's scan of a sold code is refused
// with when and to whom; N records old stock without codes. Screenshots:
// test-artifacts/trace-1024-*.png.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, type BrowserMode, startStory, type Story } from './helpers/browser-mode';
import { addItem, confirmStep, insertDemoCard, login, openShift } from './helpers/keyboard';
import { CASHIER } from './helpers/operators';
import { untilText } from './helpers/wait';

const viewport = { width: 1024, height: 768 };
const stamp = String(Date.now()).slice(-9);
const CODE_A = `8${stamp}0000000001`;
const CODE_B = `8${stamp}0000000002`;

describe('scanning traceability codes at the window', () => {
  let mode: BrowserMode;
  let page: Page;
  let story: Story | undefined;
  const shot = (name: string) => screenshot(page, `trace-${viewport.width}-${name}`);
  const until = (testId: string, pattern: RegExp) => untilText(page, mode, testId, pattern);
  /** What a keyboard-wedge scanner does: the code typed a few ms per character, then Enter. */
  const scan = async (code: string) => {
    await page.keyboard.type(code, { delay: 4 });
    await page.keyboard.press('Enter');
  };

  beforeAll(async () => {
    story = await startStory({ viewport, env: { CASHIER_TRACE_CODES_REQUIRED: 'true' } });
    ({ mode, page } = story);
    await page.goto(mode.url);
    await login(page, CASHIER.id, CASHIER.pin);
    await openShift(page, 1);
    await until('status-center', /在线/);
  });
  afterAll(() => story?.stop());

  it('a scanner burst lands on the drug line; a repeat is refused; F9 short of a code is blocked and marked', async () => {
    await insertDemoCard(page, 0, /张伟/);
    await addItem(page, 'amxljn', '25.00', '2');
    await until('trace-count-0', /0 \/ 2 已扫码/);
    await scan(CODE_A);
    await until('trace-count-0', /1 \/ 2 已扫码/);
    await until('scan-note', new RegExp(`已扫码 ${CODE_A}`));
    // The burst did not become a quantity.
    expect(await page.getByTestId('bill-line-0').textContent()).toMatch(/2/);
    expect(await page.getByTestId('bill-line-0').textContent()).not.toContain(CODE_A.slice(0, 12));
    // The same package again: refused, the count unchanged.
    await scan(CODE_A);
    await until('scan-note', /在本单中已扫过/);
    expect(await page.getByTestId('trace-count-0').textContent()).toMatch(/1 \/ 2/);
    // Not a code at all (a person typing slowly is not a scan: this one is a fast burst of letters).
    await scan('ABCDEFGHIJ');
    await until('scan-note', /不是有效的药品追溯码/);
    await shot('01-one-scanned-repeat-refused');
    // F9 with one code missing: blocked, the line's count marked, the words say what to do.
    await page.keyboard.press('F9');
    await until('scan-note', /第 1 行药品还差 1 个追溯码/);
    expect(await page.getByTestId('confirm-panel').count()).toBe(0);
    expect(await page.getByTestId('trace-count-0').getAttribute('class')).toContain('invalid');
    await shot('02-settle-blocked');
  });

  it('with both codes it settles; the next patient cannot buy the same package', async () => {
    await page.getByTestId('bill-lines').focus();
    await scan(CODE_B);
    await until('trace-count-0', /2 \/ 2 已扫码/);
    await confirmStep(page);
    await page.keyboard.press('Enter');
    await page.getByTestId('settled-panel').waitFor();
    await shot('03-settled');
    await page.keyboard.press('Escape');

    await insertDemoCard(page, 1, /李秀英/);
    await addItem(page, 'amxljn', '25.00', '1');
    await until('trace-count-0', /0 \/ 1 已扫码/);
    await scan(CODE_B);
    await until('scan-note', new RegExp(`追溯码 ${CODE_B} 已于 \\d{4}-\\d{2}-\\d{2} .*售出（张\\*`));
    expect(await page.getByTestId('trace-count-0').textContent()).toMatch(/0 \/ 1/);
    await shot('04-sold-code-refused');
  });

  it('N records old stock without codes with a reason, and the line settles', async () => {
    await page.getByTestId('bill-lines').focus();
    await page.keyboard.press('n');
    await page.getByTestId('no-code-reason').waitFor();
    await page.keyboard.type('旧库存无追溯码');
    await page.keyboard.press('Enter');
    await until('trace-count-0', /无码：旧库存无追溯码/);
    await shot('05-no-code');
    await confirmStep(page);
    await page.keyboard.press('Enter');
    await page.getByTestId('settled-panel').waitFor();
  });
});
