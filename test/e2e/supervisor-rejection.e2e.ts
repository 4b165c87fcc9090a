// A rejection made visible, from the cashier's window to the supervisor's work list, in headless
// Chromium against real browser mode. The embedded sandbox center is told (the sandboxFaults
// setting) to refuse one drug; the cashier settles it online, the upload is rejected, and the
// today list says so with the center's reason; the supervisor finds it under 中心拒绝 and writes
// it off with a note. Screenshots: test-artifacts/rejection-*.png.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, type BrowserMode, startStory, type Story } from './helpers/browser-mode';
import { addItem, confirmStep, insertDemoCard, login, openShift, supervisorScreen } from './helpers/keyboard';
import { untilText } from './helpers/wait';

const ATORVASTATIN = 'XC10AAA050A001010104321'; // 阿托伐他汀钙片, class B
const REASON = '该药品超出医保限定支付范围（演示）';

let mode: BrowserMode;
let page: Page;
let story: Story | undefined;

beforeAll(async () => {
  story = await startStory({ env: { CASHIER_SANDBOX_FAULTS: `reject-item=${ATORVASTATIN}:${REASON}` } });
  ({ mode, page } = story);
});

afterAll(() => story?.stop());

const text = async (testId: string) => (await page.getByTestId(testId).textContent()) ?? '';
const until = (testId: string, pattern: RegExp) => untilText(page, mode, testId, pattern);

describe('a rejection, seen by the cashier and worked by the supervisor', () => {
  it('the cashier settles a drug the center refuses: the today list shows the rejection and the reason', async () => {
    await page.goto(mode.url);
    await login(page, '1001', '1234');
    await openShift(page, 1);
    await until('status-center', /在线/);
    await insertDemoCard(page, 0, /张伟/);
    await addItem(page, 'atfttgp', '45.30', '1');
    await until('split-total', /45\.30/);
    await confirmStep(page);
    await page.getByTestId('settled-panel').waitFor();
    await page.keyboard.press('F6');
    await until('today-state-0', /中心拒绝/);
    expect(await text('today-row-0')).toContain('张伟');
    await until('settlement-adjustments', new RegExp(REASON.slice(0, 8)));
    // Says what happened and what to do next: keep it, do not charge again, tell the supervisor.
    expect(await text('settlement-adjustments')).toMatch(/中心拒绝了这笔结算[\s\S]*不要重新收费[\s\S]*8 中心拒绝/);
    await screenshot(page, 'rejection-01-today');
  });

  it('the supervisor finds it under 中心拒绝 with the reason, and writes it off with a note', async () => {
    await page.keyboard.press('Escape');
    await page.keyboard.press('F12');
    await supervisorScreen(page, '2001', '246810');
    await page.keyboard.press('8');
    await until('worklist-rejection', /张伟/);
    expect(await text('worklist-rejection')).toContain(REASON.slice(0, 8));
    const item = page.getByTestId('worklist-rejection').locator('li.sup-item').first();
    // A rejection cannot be "accepted": correct and re-upload, refunded, or written off.
    expect(await item.getByRole('button').allTextContents()).toEqual(['更正重传', '已退费', '核销']);
    await screenshot(page, 'rejection-02-worklist');
    await item.locator('input').fill('药品不予支付，已向患者说明，差额由医院承担');
    await item.getByRole('button', { name: '核销' }).click();
    await until('worklist-rejection', /没有需要处理的项目/);
    await screenshot(page, 'rejection-03-written-off');
  });
});
