// Shift close and the supervisor's screens in headless Chromium against real browser mode:
// a cashier settles offline (the center later adjusts it) and closes the shift with a blind
// count; a supervisor then works the adjustment list, reconciles and looks at receivables.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, type BrowserMode, startStory, type Story } from './helpers/browser-mode';
import { confirmStep, login, openShift } from './helpers/keyboard';
import { untilText } from './helpers/wait';

let mode: BrowserMode;
let page: Page;
let story: Story | undefined;

beforeAll(async () => {
  story = await startStory({ viewport: { width: 1024, height: 768 } });
  ({ mode, page } = story);
});

afterAll(() => story?.stop());

const text = async (testId: string) => (await page.getByTestId(testId).textContent()) ?? '';
const until = (testId: string, pattern: RegExp, timeout?: number) => untilText(page, mode, testId, pattern, timeout);

describe('shift close and supervisor work', () => {
  it('a cashier settles offline; the center adjusts it once back online', async () => {
    await page.goto(mode.url);
    await login(page, '1001', '1234');
    await openShift(page, 2);
    await until('status-center', /在线/, 60_000);
    // 黄强 once online (so he is cached), then offline.
    await page.keyboard.press('F2');
    await page.keyboard.press('8');
    await until('patient-name', /黄强/);
    await page.getByTestId('sandbox-offline').click();
    await page.getByTestId('offline-banner').waitFor();
    await page.keyboard.press('F2');
    await page.keyboard.press('8');
    await until('patient-source', /离线缓存/);
    await page.keyboard.press('F4');
    await page.keyboard.type('amxljn');
    await page.getByTestId('catalog-hits').locator('div.active').waitFor();
    await page.keyboard.press('Enter');
    await page.keyboard.type('40');
    await page.keyboard.press('Enter');
    await until('split-total', /40\.00/);
    await confirmStep(page);
    await page.getByTestId('settled-panel').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('sandbox-online').click();
    await page.keyboard.press('F6');
    await until('today-list', /中心调整/, 60_000);
  });

  it('the cashier closes the shift with a blind count and sees the variance', async () => {
    await page.keyboard.press('Escape');
    await page.keyboard.press('F7');
    await page.getByTestId('close-form').waitFor();
    // The drawer is counted without the expected amount on screen.
    expect(await page.getByTestId('close-form').textContent()).not.toMatch(/应有现金/);
    await page.getByTestId('close-count-10000').fill('2');
    await page.getByTestId('close-count-100').fill('3');
    await page.getByTestId('close-note').fill('多收 3 元，原因待查');
    await screenshot(page, 'supervisor-01-blind-count');
    await page.getByTestId('close-submit').click();
    await page.getByTestId('shift-report').waitFor();
    expect(await text('shift-variance')).toMatch(/^长款 3\.00 元$/);
    expect(await page.getByTestId('shift-variance').getAttribute('class')).toBe('variance-bad');
    // The report names the center-adjusted settlement and uses the center's figures for it.
    expect(await text('report-center-adjusted')).toMatch(/含中心调整 1 笔/);
    await screenshot(page, 'supervisor-02-shift-closed');
  });

  it('the closed shift is exported from the screen: CSV, PDF and the receipt printer', async () => {
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    expect(csv.suggestedFilename()).toMatch(/^SH-.*\.csv$/);
    const csvText = readFileSync((await csv.path())!, 'utf8');
    expect(csvText.charCodeAt(0)).toBe(0xfeff);
    expect(csvText).toContain('# amounts,center_agreed');
    expect(csvText).toContain('# center_adjusted,1');
    expect(csvText).toMatch(/cash,variance,差额,,,,,3\.00,/);
    const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-pdf').click()]);
    expect(pdf.suggestedFilename()).toMatch(/^SH-.*\.pdf$/);
    const pdfPath = (await pdf.path())!;
    expect(readFileSync(pdfPath).subarray(0, 5).toString()).toBe('%PDF-');
    const pdfText = execFileSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8' });
    expect(pdfText).toContain('含中心调整 1 笔');
    expect(pdfText).toContain('长款 3.00');
    await page.getByTestId('export-print').click();
    await until('export-note', /已送小票打印机/);
    await screenshot(page, 'supervisor-02b-exported');
    await page.keyboard.press('F12');
    await page.getByTestId('login-form').waitFor();
  });

  it('a supervisor accepts the adjustment, reconciles today and sees receivables', async () => {
    await login(page, '2001', '246810');
    await page.getByTestId('shift-form').waitFor();
    await page.keyboard.press('F7');
    await page.getByTestId('worklist-adjustment').waitFor();
    await until('worklist-adjustment', /黄强/);
    expect(await text('worklist-adjustment')).toMatch(/统筹基金支付/);
    await screenshot(page, 'supervisor-03-adjustments');
    // Each item carries its own note and actions (an adjustment offers all four).
    const item = page.getByTestId('worklist-adjustment').locator('li.sup-item').first();
    expect(await item.getByRole('button').allTextContents()).toEqual(['接受', '更正重传', '已退费', '核销']);
    await item.getByRole('button', { name: '接受' }).click();
    await until('worklist-adjustment', /请先写明说明/); // no note, no action
    await item.locator('input').fill('已告知患者，按中心结果');
    await item.getByRole('button', { name: '接受' }).click();
    await until('worklist-adjustment', /accept|接受：|没有需要处理/);

    await page.getByTestId('sup-tab-reconcile').click();
    await page.getByTestId('reconcile-run').click();
    await page.getByTestId('reconcile-result').waitFor();
    expect(await text('reconcile-result')).toMatch(/对账/);
    await screenshot(page, 'supervisor-04-reconcile');

    await page.getByTestId('sup-tab-receivables').click();
    await page.getByTestId('receivables').waitFor();
    expect(await text('receivables')).toMatch(/应收/);
    // Column headers, and the drill-down by keyboard: Enter on the first bucket (today's) lists its settlements.
    expect(await page.getByTestId('receivables-aging').locator('th').count()).toBe(3);
    await page.getByTestId('receivables-aging').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('receivables-rows').waitFor();
    expect(await page.locator('[data-testid="receivables-rows"] tbody tr').count()).toBeGreaterThanOrEqual(1);
    expect(await text('receivables-rows')).toMatch(/S\d{14}/);
    await screenshot(page, 'supervisor-05-receivables');
  });

  it('the supervisor signs off the closed shift', async () => {
    await page.getByTestId('sup-tab-signoff').click();
    await until('signoff-list', /李明/);
    expect(await text('signoff-list')).toMatch(/长款 3\.00 元/); // the variance of the blind count, in words
    expect(await text('signoff-list')).not.toMatch(/-3\.00|\+3\.00/);
    await screenshot(page, 'supervisor-06-signoff');
    // The cash differs: no sign-off without a note.
    await page.getByTestId('signoff-list').getByRole('button', { name: '签核' }).first().click();
    await until('signoff-error', /签核/);
    expect(await page.getByTestId('signoff-confirm').count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('signoff-note');
    await page.getByTestId('signoff-note').fill('长款 3 元已入账');
    await page.getByTestId('signoff-list').getByRole('button', { name: '签核' }).first().click();
    // …and a confirmation: Esc goes back, Enter signs.
    await page.getByTestId('signoff-confirm').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('signoff-confirm').waitFor({ state: 'detached' });
    await page.getByTestId('signoff-list').getByRole('button', { name: '签核' }).first().click();
    await page.getByTestId('signoff-confirm').waitFor();
    await screenshot(page, 'supervisor-07-signoff-confirm');
    await page.keyboard.press('Enter');
    await until('signoff-list', /没有需要处理/);
  });
});
