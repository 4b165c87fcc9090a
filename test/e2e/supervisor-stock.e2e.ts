// The stock screen (库存, issue 17, docs/STOCK.md) in headless Chromium against real browser mode
// with stock keeping on: a supervisor opens the tab by Alt+K, empty; receives two batches of
// amoxicillin by keys alone (one expiring within the warning window: 近效期), a wrong date refused
// in words; each purchase reaches the embedded center (nothing left unsent); counts a batch
// (Enter on it, the counted quantity, Enter); near expiry only by Alt+E. In English too. Fits
// 1024×768. Screenshots: test-artifacts/stock-*.png. (The settlement's taking and giving back is
// tested against the real app in test/integration/stock/.)
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, type BrowserMode, startStory, type Story } from './helpers/browser-mode';
import { whatDoesNotFit } from './helpers/fit';
import { supervisorScreenByKeys } from './helpers/keyboard';
import { englishSupervisor } from './helpers/stories';

const AMOXICILLIN = 'XJ01CAA040A001010101445';

let mode: BrowserMode;
let page: Page;
let story: Story | undefined;

beforeAll(async () => {
  story = await startStory({ env: { CASHIER_STOCK_KEEPING: 'true' }, viewport: { width: 1024, height: 768 } });
  ({ mode, page } = story);
});
afterAll(() => story?.stop());

/** yyyy-MM-dd `days` from now. */
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10);

async function purchaseByKeys(fields: string[]): Promise<void> {
  await page.keyboard.press('Alt+N');
  await page.getByTestId('stock-purchase-form').waitFor();
  // Typed only once the form has the focus (its first field takes it when it opens).
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'stock-f-drugCode');
  for (const [i, f] of fields.entries()) {
    if (i > 0) await page.keyboard.press('Tab');
    await page.keyboard.type(f);
  }
  await page.keyboard.press('Enter');
}

describe('the stock screen', () => {
  it('opens by Alt+K, empty, stock keeping on', async () => {
    await page.goto(mode.url);
    await supervisorScreenByKeys(page, '2001', '246810');
    await page.keyboard.press('Alt+K');
    await page.getByTestId('stock').waitFor();
    expect(await page.getByTestId('stock-empty').textContent()).toContain('采购入库');
    await page.getByTestId('stock-state').filter({ hasText: '已开启' }).waitFor();
    expect(await whatDoesNotFit(page)).toEqual([]);
  });

  it('a purchase with the production date after the expiry is refused in words; two batches are received by keys', async () => {
    await purchaseByKeys([AMOXICILLIN, 'A2601', '2030-01-01', '2029-01-01', '20', '8.50', '国药控股']);
    await page.getByTestId('stock-error').waitFor();
    expect(await page.getByTestId('stock-error').textContent()).toMatch(/生产日期|日期/);
    await page.keyboard.press('Escape');
    await purchaseByKeys([AMOXICILLIN, 'A2601', '2026-01-05', '2029-01-04', '20', '8.50', '国药控股']);
    await page.getByTestId('stock-notice').filter({ hasText: 'A2601' }).waitFor();
    await purchaseByKeys([AMOXICILLIN, 'A2509', '2025-09-01', inDays(30), '4', '8.20', '华润医药']);
    await page.getByTestId('stock-notice').filter({ hasText: 'A2509' }).waitFor();
    // The notice comes first, the reloaded list just after it.
    await page.getByTestId(`stock-drug-total-${AMOXICILLIN}`).filter({ hasText: /^24$/ }).waitFor();
    expect(await page.getByTestId('stock-batch-A2509').getAttribute('data-expiry')).toBe('soon');
    expect(await page.getByTestId('stock-batch-A2509').textContent()).toContain('近效期');
    // Earliest expiry first.
    const order = await page.locator('[data-testid^="stock-batch-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
    expect(order).toEqual(['stock-batch-A2509', 'stock-batch-A2601']);
    // Both reported to the center (3503): sent at once, or by Alt+U.
    await page.keyboard.press('Alt+U');
    await page.getByTestId('stock-unsent-empty').waitFor();
    expect(await whatDoesNotFit(page)).toEqual([]);
    await screenshot(page, 'stock-01-received-1024');
  });

  it('a batch is counted by keys: Enter on it, the counted quantity, Enter', async () => {
    await page.keyboard.press('Alt+F');
    await page.keyboard.press('Enter'); // into the table
    await page.keyboard.press('ArrowDown'); // the second batch, A2601
    await page.keyboard.press('Enter');
    await page.getByTestId('stock-count-form').waitFor();
    expect(await page.getByTestId('stock-count-form').textContent()).toContain('A2601');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('19.5');
    expect(await whatDoesNotFit(page)).toEqual([]);
    await screenshot(page, 'stock-02-count-1024');
    await page.keyboard.press('Enter');
    await page.getByTestId('stock-notice').filter({ hasText: '19.5' }).waitFor();
    await page.getByTestId('stock-qty-A2601').filter({ hasText: /^19\.5$/ }).waitFor();
    await page.getByTestId('stock-unsent-empty').waitFor();
  });

  it('near expiry only (Alt+E) shows the batch that expires soon', async () => {
    await page.keyboard.press('Alt+E');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid^="stock-batch-"]').length === 1);
    expect(await page.getByTestId('stock-batch-A2509').count()).toBe(1);
    await screenshot(page, 'stock-03-near-expiry-1024');
    await page.keyboard.press('Alt+E');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid^="stock-batch-"]').length === 2);
  });

});

describe('the stock screen in English', () => {
  let en: Story | undefined;
  afterAll(() => en?.stop());
  it('shows its words in English at 1024×768', async () => {
    en = await englishSupervisor({ CASHIER_STOCK_KEEPING: 'true' });
    const p = en.page;
    await p.keyboard.press('Alt+K');
    await p.getByTestId('stock').waitFor();
    await p.getByTestId('stock-state').filter({ hasText: 'Stock keeping is on' }).waitFor();
    await p.getByTestId('stock-empty').waitFor();
    await p.getByTestId('stock-unsent-empty').waitFor();
    expect(await p.getByTestId('stock').textContent()).toMatch(/Receive purchase[\s\S]*Report now[\s\S]*No batches in stock[\s\S]*All reported/);
    expect(await p.getByTestId('stock').textContent()).not.toMatch(/[\u4e00-\u9fff]/);
    await p.keyboard.press('Alt+N');
    await p.getByTestId('stock-purchase-form').waitFor();
    expect(await whatDoesNotFit(p)).toEqual([]);
    await screenshot(p, 'stock-04-english-1024');
  });
});
