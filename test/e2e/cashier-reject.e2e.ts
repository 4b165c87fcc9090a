// A rejection never looks like success (issue 13), at 1024×768 and 1366×768, by keyboard: the
// embedded sandbox is told (sandboxFaults) to refuse one drug; the cashier settles it online and
// the settled panel itself turns into the center's refusal — no "结算完成" title, the center's
// reason and what to do next. Screenshots: test-artifacts/reject-<width>-*.png.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, type BrowserMode, startStory, type Story } from './helpers/browser-mode';
import { addItem, insertDemoCard, login, openShift } from './helpers/keyboard';
import { CASHIER, VIEWPORTS } from './helpers/operators';
import { untilText } from './helpers/wait';

const ATORVASTATIN = 'XC10AAA050A001010104321';
const REASON = '该药品超出医保限定支付范围（演示）';

describe.each(VIEWPORTS)('at $width×$height', (viewport) => {
  let mode: BrowserMode;
  let page: Page;
  let story: Story | undefined;
  const until = (testId: string, pattern: RegExp) => untilText(page, mode, testId, pattern);

  beforeAll(async () => {
    story = await startStory({ viewport, env: { CASHIER_SANDBOX_FAULTS: `reject-item=${ATORVASTATIN}:${REASON}` } });
    ({ mode, page } = story);
    await page.goto(mode.url);
    await login(page, CASHIER.id, CASHIER.pin);
    await openShift(page, 1);
    await until('status-center', /在线/);
  });
  afterAll(() => story?.stop());

  it('the settled panel says the center refused, why, and what to do next; it never says 结算完成', async () => {
    await insertDemoCard(page, 0, /张伟/);
    await addItem(page, 'atfttgp', '45.30', '1');
    await until('split-total', /45\.30/);
    await page.keyboard.press('F9');
    await page.getByTestId('settled-panel').waitFor();
    await until('settled-rejected', /中心拒绝[\s\S]*自费/);
    await until('settled-reject-reason', new RegExp(REASON.slice(0, 8)));
    expect(await page.getByTestId('settled-panel').textContent()).not.toContain('结算完成');
    const box = await page.getByTestId('settled-rejected').boundingBox();
    expect(box && box.y + box.height).toBeLessThanOrEqual(viewport.height);
    await screenshot(page, `reject-${viewport.width}-01-settled-panel`);
  });
});
