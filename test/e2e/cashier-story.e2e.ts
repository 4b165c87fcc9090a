// The cashier's whole story (issue 7) in headless Chromium against real browser mode with the
// embedded sandbox center and emulated devices: log in, open the shift, read a demo card
// through the emulated reader, find an item by pinyin initials, settle, see the receipt; take
// the center offline, settle provisionally, bring it back, see it confirmed and one adjusted;
// refund with a supervisor's PIN. Screenshots of every step go to test-artifacts/.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { screenshot, type BrowserMode } from './helpers/browser-mode';
import { storyForFile } from './helpers/stories';
import { addItem, confirmStep, insertDemoCard } from './helpers/keyboard';

let mode: BrowserMode;
let page: Page;
storyForFile((s) => {
  ({ mode, page } = s);
});

const text = async (testId: string) => (await page.getByTestId(testId).textContent()) ?? '';
const failWith = async (what: string) => `${what}\n--- page errors:\n${await page.locator('.error-line').allTextContents()}\n--- server:\n${mode.output().slice(-3000)}`;

/** Wait until the live split shows this total (the preview follows the bill a moment later). */
async function waitForSplitTotal(total: string) {
  await page
    .waitForFunction((t) => (document.querySelector('[data-testid="split-total"]')?.textContent ?? '').includes(t), total)
    .catch(async () => {
      throw new Error(await failWith(`split total never showed ${total}`));
    });
}

describe('the cashier story', () => {
  it('logs in and opens the shift with a counted float', async () => {
    await page.goto(mode.url);
    await page.getByTestId('login-id').fill('1001');
    await page.getByTestId('login-pin').fill('1234');
    await page.keyboard.press('Enter');
    await page.getByTestId('shift-count-10000').waitFor();
    await page.getByTestId('shift-count-10000').fill('5');
    await page.getByTestId('shift-count-1000').fill('10');
    expect(await text('shift-count-total')).toContain('600.00');
    await screenshot(page, 'story-01-shift-open');
    await page.keyboard.press('Enter');
    await page.getByTestId('card-panel').waitFor();
    // The embedded sandbox center comes up and the demo policy is synced.
    await page.waitForFunction(() => /在线/.test(document.querySelector('[data-testid="status-center"]')?.textContent ?? ''), undefined, { timeout: 60_000 });
    await page.waitForFunction(() => /第 \d+ 版/.test(document.querySelector('[data-testid="status-policy"]')?.textContent ?? ''));
    expect(await text('status-center')).toContain('沙箱');
    await screenshot(page, 'story-02-main');
  });

  it('reads a demo card through the emulated reader and shows the live patient', async () => {
    await insertDemoCard(page, 0, /张伟/);
    expect(await text('patient-source')).toBe('中心实时');
    expect(await text('patient-insurance')).toBe('职工医保');
    expect(await text('patient-balance')).toBe('2,345.67');
    await screenshot(page, 'story-03-patient');
  });

  it('finds items by pinyin initials and shows the live split with its explanation', async () => {
    await addItem(page, 'amxljn', '25.00', '2');
    await addItem(page, 'dyxajf', null, '1'); // 对乙酰氨基酚片: the price comes from its cap (3.50)
    await waitForSplitTotal('53.50');
    expect(await page.getByTestId('bill-line-0').textContent()).toContain('阿莫西林胶囊');
    expect(await page.getByTestId('bill-line-0').textContent()).toContain('甲类');
    expect(await page.getByTestId('bill-line-1').textContent()).toContain('对乙酰氨基酚片');
    // Above its price cap (3.50) the line is warned about before settling, and the excess is self-paid.
    await page.keyboard.press('p');
    await page.keyboard.type('4');
    await page.keyboard.press('Enter');
    await waitForSplitTotal('54.00');
    await page.waitForFunction(() => /超过限价/.test(document.querySelector('[data-testid="bill-line-1"]')?.textContent ?? ''));
    expect((await page.getByTestId('split-explanation').locator('li').count()) > 0).toBe(true);
    await screenshot(page, 'story-04-bill-split');
  });

  it('settles with F9 through the confirm step: cash due, cash received, change; then the receipt', async () => {
    const cash = (await text('split-cash')).replace(/[^\d.,]/g, '');
    const dueFen = Math.round(Number(cash.replace(/,/g, '')) * 100);
    // F9 opens the confirm step; nothing is committed yet.
    await page.keyboard.press('F9');
    await page.getByTestId('confirm-received').waitFor();
    expect(await text('confirm-due')).toContain(cash);
    expect(await page.getByTestId('settled-panel').count()).toBe(0);
    await page.keyboard.type('100');
    const change = ((10000 - dueFen) / 100).toFixed(2);
    expect(await text('confirm-change')).toContain(change);
    await screenshot(page, 'story-05a-confirm');
    await page.keyboard.press('Enter');
    await page.getByTestId('settled-panel').waitFor().catch(async () => {
      throw new Error(await failWith('no settled panel'));
    });
    // Committed locally first, then the outbox uploads it and the center confirms.
    await page.waitForFunction(() => document.querySelector('[data-testid="settled-state"]')?.textContent === '已确认', undefined, { timeout: 30_000 });
    expect(await text('cash-due')).toContain(cash);
    // What was handed over and given back is the settlement's record, also on the receipt.
    expect(await text('cash-received')).toContain('100.00');
    expect(await text('cash-change')).toContain(change);
    await page.getByTestId('receipt-preview').waitFor();
    expect(await text('receipt-preview')).toContain('阿莫西林');
    expect(await text('receipt-preview')).toMatch(/实收现金 +100\.00/);
    expect(await text('receipt-preview')).toMatch(new RegExp(`找零 +${change.replace('.', '\\.')}`));
    expect(await text('receipt-preview')).toMatch(/账户余额 结算后/);
    // The patient panel's balance is the balance after this payment.
    expect(await text('patient-balance')).not.toBe('2,345.67');
    await screenshot(page, 'story-05-settled-receipt');
    await page.keyboard.press('Escape');
    await page.getByTestId('split-panel').waitFor();
  });

  it('takes the center offline, settles provisionally from the cache, brings it back: confirmed and adjusted', async () => {
    // 黄强 has visits elsewhere the clinic does not know of: the center will adjust his offline settlement.
    await insertDemoCard(page, 7, /黄强/);
    await page.getByTestId('sandbox-offline').click();
    await page.getByTestId('offline-banner').waitFor();
    await page.waitForFunction(() => /离线/.test(document.querySelector('[data-testid="status-center"]')?.textContent ?? ''));
    await insertDemoCard(page, 7, /黄强/);
    // The same patient again, now answered from the offline cache.
    await page.waitForFunction(() => /离线缓存/.test(document.querySelector('[data-testid="patient-source"]')?.textContent ?? '')).catch(async () => {
      throw new Error(await failWith('offline lookup did not come from the cache'));
    });
    await addItem(page, 'amxljn', '25.00', '1');
    await waitForSplitTotal('25.00');
    await screenshot(page, 'story-06-offline-bill');
    await confirmStep(page);
    await page.getByTestId('settled-panel').waitFor().catch(async () => {
      throw new Error(await failWith('no settled panel offline'));
    });
    expect(await text('settled-state')).toBe('暂存');
    await screenshot(page, 'story-07-offline-settled');

    // A second offline settlement, for a patient the center has nothing more about: it will be confirmed.
    await page.keyboard.press('Escape');
    await insertDemoCard(page, 0, /张伟/);
    await page.waitForFunction(() => /离线缓存/.test(document.querySelector('[data-testid="patient-source"]')?.textContent ?? ''));
    await addItem(page, 'amxljn', '25.00', '1');
    await waitForSplitTotal('25.00');
    await confirmStep(page);
    await page.getByTestId('settled-panel').waitFor();
    expect(await text('settled-state')).toBe('暂存');

    // Back online: the outbox uploads; the center's answer differs → adjusted.
    await page.keyboard.press('Escape');
    await page.getByTestId('sandbox-online').click();
    await page.waitForFunction(() => !document.querySelector('[data-testid="offline-banner"]'), undefined, { timeout: 60_000 });
    await page.keyboard.press('F6');
    await page.getByTestId('today-list').waitFor();
    await page.waitForFunction(
      () => /中心调整/.test(document.querySelector('[data-testid="today-list"]')?.textContent ?? ''),
      undefined,
      { timeout: 60_000 },
    ).catch(async () => {
      throw new Error(await failWith(`not adjusted: ${await text('today-list')}`));
    });
    // Newest first: 张伟 offline (confirmed), 黄强 offline (adjusted: fund paid differs), 张伟 online (confirmed).
    await page.waitForFunction(() => document.querySelector('[data-testid="today-state-0"]')?.textContent === '已确认', undefined, { timeout: 60_000 });
    await page.waitForFunction(() => /中心调整/.test(document.querySelector('[data-testid="today-state-1"]')?.textContent ?? ''));
    expect(await text('today-state-2')).toBe('已确认');
    await page.keyboard.press('ArrowDown');
    await page.getByTestId('settlement-adjustments').waitFor();
    await screenshot(page, 'story-08-today-adjusted');
  });

  it('refunds a settlement with a supervisor PIN', async () => {
    await page.keyboard.press('ArrowDown'); // the first settlement of the day (online, confirmed)
    expect(await page.getByTestId('today-row-2').getAttribute('class')).toContain('selected');
    // F10 reprints it, marked as a copy.
    await page.keyboard.press('F10');
    await page.getByTestId('today-note').waitFor();
    await page.waitForFunction(() => /补打 副本/.test(document.querySelector('[data-testid="receipt-preview"]')?.textContent ?? ''));
    await screenshot(page, 'story-09a-reprinted');
    await page.keyboard.press('r');
    await page.getByTestId('sup-id').fill('1001');
    await page.getByTestId('sup-pin').fill('1234');
    await page.getByTestId('sup-reason').fill('患者要求退药');
    await page.keyboard.press('Enter');
    // A cashier cannot authorise a refund: refused with a Chinese reason, inside the dialog, which stays.
    await page.getByTestId('refund-error').waitFor();
    expect(await text('refund-error')).toMatch(/主管/);
    await page.getByTestId('sup-id').fill('2001');
    await page.getByTestId('sup-pin').fill('246810');
    await page.getByTestId('sup-reason').fill('患者要求退药');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => /退费完成/.test(document.querySelector('[data-testid="today-note"]')?.textContent ?? ''));
    await page.waitForFunction(() => Array.from(document.querySelectorAll('[data-testid^="today-state-"]')).some((e) => e.textContent === '已退费'));
    await screenshot(page, 'story-09-refunded');
  });

  it('types an ID number when a card will not read; an unknown person is refused in Chinese', async () => {
    await page.keyboard.press('Escape');
    await page.getByTestId('card-panel').waitFor();
    await page.keyboard.press('F3');
    await page.getByTestId('manual-cert-no').waitFor();
    await page.keyboard.type('110101199001011237');
    await page.getByTestId('manual-reason').selectOption('card-damaged');
    await page.getByTestId('manual-cert-no').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('lookup-error').waitFor();
    expect(await text('lookup-error')).toMatch(/[\u4e00-\u9fa5]/);
    await screenshot(page, 'story-10-manual-entry-unknown');
  });

  it('shows the same window in English', async () => {
    await page.getByTestId('lang-switch').click();
    await page.keyboard.press('F6');
    await page.getByTestId('today-list').waitFor();
    expect(await text('status-center')).toMatch(/Center/);
    expect(await text('shortcut-bar')).toMatch(/F10 reprint/);
    await screenshot(page, 'story-11-english-today');
    await page.keyboard.press('Escape');
    await screenshot(page, 'story-12-english-main');
  });
});
